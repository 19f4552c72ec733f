//===- MapTypes.cpp -------------------------------------------------------===//

#include "MapTypes.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace mapguard::analysis {

std::string qualifiedNameWithoutInlineNamespaces(const NamedDecl *D) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  if (!D->getIdentifier())
    return {};
  Parts.push_back(D->getName());
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline())
        continue;
      Parts.push_back(NS->isAnonymousNamespace() ? llvm::StringRef("(anonymous)")
                                                 : NS->getName());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      Parts.push_back(RD->getName());
    } else if (!isa<TranslationUnitDecl, LinkageSpecDecl>(DC)) {
      return {}; // Declared in a function: never a configured map type.
    }
  }
  std::string Name;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    if (!Name.empty())
      Name += "::";
    Name += It->str();
  }
  return Name;
}

MapTypeRegistry::MapTypeRegistry() {
  for (const BuiltinMapType &Builtin : builtinMapTypes())
    ByQualifiedName[Builtin.QualifiedName] = Builtin.FamilyId;
}

static bool isValidQualifiedName(llvm::StringRef Name) {
  if (Name.empty() || Name.starts_with(":") || Name.ends_with(":"))
    return false;
  for (llvm::StringRef Part : llvm::split(Name, "::")) {
    if (Part.empty() || llvm::isDigit(Part.front()))
      return false;
    for (char C : Part)
      if (!llvm::isAlnum(C) && C != '_')
        return false;
  }
  return true;
}

std::vector<MapTypeConfigError>
MapTypeRegistry::addConfigured(llvm::StringRef List) {
  std::vector<MapTypeConfigError> Errors;
  llvm::SmallVector<llvm::StringRef, 8> Entries;
  List.split(Entries, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef Entry : Entries) {
    Entry = Entry.trim();
    if (Entry.empty())
      continue;
    auto [Name, FamilyName] = Entry.split('=');
    Name = Name.trim();
    FamilyName = FamilyName.trim();
    Name.consume_front("::");
    if (!isValidQualifiedName(Name)) {
      Errors.push_back({Entry.str(), "'" + Name.str() +
                                         "' is not a qualified type name"});
      continue;
    }
    std::optional<Family> F = FamilyName.empty()
                                  ? std::optional<Family>(Family::NodeOrdered)
                                  : familyByName(FamilyName);
    if (!F) {
      Errors.push_back({Entry.str(), "unknown container family '" +
                                         FamilyName.str() +
                                         "'; expected one of " +
                                         familyNamesForDiagnostic()});
      continue;
    }
    ByQualifiedName[Name] = *F;
  }
  ByDecl.clear();
  return Errors;
}

std::optional<Family> MapTypeRegistry::familyOf(const NamedDecl *D) const {
  if (!D)
    return std::nullopt;
  D = cast<NamedDecl>(D->getCanonicalDecl());
  auto Cached = ByDecl.find(D);
  if (Cached != ByDecl.end())
    return Cached->second;
  std::optional<Family> Result;
  auto It = ByQualifiedName.find(qualifiedNameWithoutInlineNamespaces(D));
  if (It != ByQualifiedName.end())
    Result = It->second;
  ByDecl[D] = Result;
  return Result;
}

static QualType firstTypeArgument(llvm::ArrayRef<TemplateArgument> Args) {
  if (!Args.empty() && Args.front().getKind() == TemplateArgument::Type)
    return Args.front().getAsType();
  return {};
}

std::optional<MapTypeInfo> MapTypeRegistry::classify(QualType T) const {
  if (T.isNull())
    return std::nullopt;
  const Type *Canonical = T.getCanonicalType().getTypePtr();
  if (const auto *Record = Canonical->getAsCXXRecordDecl()) {
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record)) {
      const ClassTemplateDecl *Template = Spec->getSpecializedTemplate();
      if (std::optional<Family> F = familyOf(Template))
        return MapTypeInfo{*F, Template,
                           firstTypeArgument(Spec->getTemplateArgs().asArray())};
    }
    if (std::optional<Family> F = familyOf(Record))
      return MapTypeInfo{*F, Record, QualType()};
    return std::nullopt;
  }
  if (const auto *Spec = dyn_cast<TemplateSpecializationType>(Canonical)) {
    if (const TemplateDecl *Template =
            Spec->getTemplateName().getAsTemplateDecl())
      if (std::optional<Family> F = familyOf(Template))
        return MapTypeInfo{*F, Template,
                           firstTypeArgument(Spec->template_arguments())};
  }
  return std::nullopt;
}

/// The pointee of a std::unique_ptr / std::shared_ptr, or a null type.
static QualType smartPointee(QualType T) {
  const Type *Canonical = T.getCanonicalType().getTypePtr();
  const NamedDecl *Template = nullptr;
  llvm::ArrayRef<TemplateArgument> Args;
  if (const auto *Record = Canonical->getAsCXXRecordDecl()) {
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record)) {
      Template = Spec->getSpecializedTemplate();
      Args = Spec->getTemplateArgs().asArray();
    }
  } else if (const auto *Spec = dyn_cast<TemplateSpecializationType>(Canonical)) {
    Template = Spec->getTemplateName().getAsTemplateDecl();
    Args = Spec->template_arguments();
  }
  if (!Template)
    return {};
  std::string Name = qualifiedNameWithoutInlineNamespaces(Template);
  if (Name != "std::unique_ptr" && Name != "std::shared_ptr")
    return {};
  return firstTypeArgument(Args);
}

std::string classNameOf(const CXXRecordDecl *Record) {
  if (!Record)
    return {};
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record))
    return qualifiedNameWithoutInlineNamespaces(Spec->getSpecializedTemplate());
  return qualifiedNameWithoutInlineNamespaces(Record);
}

std::string classNameOf(QualType T) {
  if (T.isNull())
    return {};
  return classNameOf(
      T.getNonReferenceType().getCanonicalType()->getAsCXXRecordDecl());
}

std::optional<MapTypeInfo>
MapTypeRegistry::classifyThroughIndirection(QualType T) const {
  if (T.isNull())
    return std::nullopt;
  T = T.getNonReferenceType();
  if (std::optional<MapTypeInfo> Direct = classify(T))
    return Direct;
  if (const auto *Pointer = T.getCanonicalType()->getAs<PointerType>())
    return classify(Pointer->getPointeeType());
  if (QualType Pointee = smartPointee(T); !Pointee.isNull())
    return classify(Pointee);
  return std::nullopt;
}

} // namespace mapguard::analysis

//===- MapTypes.h - Which types are maps, and of which family ---*- C++ -*-===//
//
// Recognises map types: the standard ones and the well-known libraries' from
// the semantics table, plus user types configured with the shared `MapTypes`
// option. Sees through typedefs, `using`, cv-qualifiers, and (on request)
// references, pointers and smart pointers; works on template instantiations
// and on dependent code whose template is known to be a map.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_MAPTYPES_H
#define MAPGUARD_LIB_MAPTYPES_H

#include "ContainerSemantics.h"
#include "clang/AST/Type.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include <string>
#include <vector>

namespace clang {
class NamedDecl;
class CXXRecordDecl;
} // namespace clang

namespace mapguard::analysis {

/// What a map type is.
struct MapTypeInfo {
  Family FamilyId;
  /// The declaration of the class (template) that was recognised.
  const clang::NamedDecl *Decl = nullptr;
  /// The key type, when known (null in dependent code where it is not).
  clang::QualType KeyType;
};

/// A problem found while reading a configured list of map types.
struct MapTypeConfigError {
  std::string Entry;
  std::string Message;
};

class MapTypeRegistry {
public:
  /// The built-in types of the semantics table.
  MapTypeRegistry();

  /// Adds user types from a ';'-separated list of `qualified::Name=family`
  /// entries (a leading `::` is allowed; the family defaults to node-ordered
  /// when omitted). Entries that do not parse are skipped and returned.
  std::vector<MapTypeConfigError> addConfigured(llvm::StringRef List);

  /// The map type that \p T names, after typedefs and cv-qualifiers.
  std::optional<MapTypeInfo> classify(clang::QualType T) const;

  /// Like classify(), but also looks through one reference, pointer or
  /// standard smart pointer (`std::unique_ptr<Map>`, `std::shared_ptr<Map>`).
  std::optional<MapTypeInfo> classifyThroughIndirection(clang::QualType T) const;

  /// The family of a class (template) by its qualified name, if registered.
  std::optional<Family> familyOf(const clang::NamedDecl *D) const;

private:
  llvm::StringMap<Family> ByQualifiedName;
  /// familyOf() by declaration: building a qualified name for every member
  /// call's object type is the hot path of every check.
  mutable llvm::DenseMap<const clang::NamedDecl *, std::optional<Family>>
      ByDecl;
};

/// The fully qualified name of \p D with inline namespaces (std::__1,
/// std::__cxx11) left out, so that libc++ and libstdc++ spell it alike.
std::string qualifiedNameWithoutInlineNamespaces(const clang::NamedDecl *D);

/// The qualified name (inline namespaces left out) of the class \p Record, or
/// of its class template when it is a specialization: `std::thread`,
/// `std::vector`, `port::Mutex`.
std::string classNameOf(const clang::CXXRecordDecl *Record);

/// classNameOf() the class \p T denotes (references looked through); empty
/// when T is not a class type.
std::string classNameOf(clang::QualType T);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_MAPTYPES_H

//===- ContainerSemantics.cpp ---------------------------------------------===//

#include "ContainerSemantics.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

namespace mapguard::analysis {
namespace {

constexpr FamilyInfo Families[] = {
#define MAPGUARD_FAMILY(Id, Name, ConcurrentMutation, ConcurrentIteration, Doc)  \
  {Family::Id, Name, ConcurrentMutation, ConcurrentIteration, Doc},
#include "mapguard/container_semantics.def"
};

constexpr OperationInfo Operations[] = {
#define MAPGUARD_OPERATION(Id, Spelling, Kind)                                 \
  {Operation::Id, Spelling, OperationKind::Kind},
#include "mapguard/container_semantics.def"
};

struct SemanticsRow {
  Family FamilyId;
  Operation Op;
  Invalidation Invalidates;
  bool MayAllocate;
};

constexpr SemanticsRow Semantics[] = {
#define MAPGUARD_SEMANTICS(Fam, Op, Invalidates, MayAllocate)                  \
  {Family::Fam, Operation::Op, Invalidation::Invalidates, MayAllocate},
#include "mapguard/container_semantics.def"
};

constexpr BuiltinMapType MapTypes[] = {
#define MAPGUARD_MAP_TYPE(QualifiedName, Fam) {QualifiedName, Family::Fam},
#include "mapguard/container_semantics.def"
};

} // namespace

const FamilyInfo &familyInfo(Family F) {
  return Families[static_cast<unsigned>(F)];
}

llvm::ArrayRef<FamilyInfo> allFamilies() { return Families; }

std::optional<Family> familyByName(llvm::StringRef Name) {
  for (const FamilyInfo &Info : Families)
    if (Info.Name == Name)
      return Info.Id;
  return std::nullopt;
}

const OperationInfo &operationInfo(Operation Op) {
  return Operations[static_cast<unsigned>(Op)];
}

llvm::SmallVector<Operation, 3> operationsBySpelling(llvm::StringRef Spelling) {
  llvm::SmallVector<Operation, 3> Result;
  for (const OperationInfo &Info : Operations)
    if (Info.Spelling == Spelling)
      Result.push_back(Info.Id);
  return Result;
}

OperationEffect effectOf(Family F, Operation Op) {
  for (const SemanticsRow &Row : Semantics)
    if (Row.FamilyId == F && Row.Op == Op)
      return {Row.Invalidates, Row.MayAllocate};
  if (operationInfo(Op).Kind != OperationKind::Mutate)
    return {Invalidation::None, false};
  // A mutation the table is silent about: assume the worst, except for the
  // concurrent family whose whole point is that mutation is safe.
  if (familyInfo(F).ConcurrentIteration)
    return {Invalidation::None, true};
  return {Invalidation::All, true};
}

bool invalidatesOtherIterators(Family F, Operation Op) {
  switch (effectOf(F, Op).Invalidates) {
  case Invalidation::None:
  case Invalidation::Element:
    return false;
  case Invalidation::AllIfRehash:
  case Invalidation::All:
  case Invalidation::Rebinds:
    return true;
  }
  return true;
}

std::string familyNamesForDiagnostic() {
  std::string Names;
  for (const FamilyInfo &Info : Families) {
    if (!Names.empty())
      Names += ", ";
    Names += "'";
    Names += Info.Name.str();
    Names += "'";
  }
  return Names;
}

llvm::ArrayRef<BuiltinMapType> builtinMapTypes() { return MapTypes; }

} // namespace mapguard::analysis

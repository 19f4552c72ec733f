//===- ContainerSemantics.h - What an operation does to a map ---*- C++ -*-===//
//
// The static view of runtime-model/include/mapguard/container_semantics.def:
// families of maps, the operations on them, and what each operation does to
// the iterators of a map of that family. The facts live in the .def table
// only; this header turns them into enums and lookups.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_CONTAINERSEMANTICS_H
#define MAPGUARD_LIB_CONTAINERSEMANTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace mapguard::analysis {

enum class Family {
#define MAPGUARD_FAMILY(Id, Name, ConcurrentMutation, ConcurrentIteration, Doc) Id,
#include "mapguard/container_semantics.def"
};

enum class OperationKind { Read, Iterate, Mutate };

enum class Operation {
#define MAPGUARD_OPERATION(Id, Spelling, Kind) Id,
#include "mapguard/container_semantics.def"
};

/// Which iterators an operation invalidates (see the .def for each value).
enum class Invalidation { None, Element, AllIfRehash, All, Rebinds };

struct FamilyInfo {
  Family Id;
  llvm::StringRef Name;
  bool ConcurrentMutation;
  bool ConcurrentIteration;
  llvm::StringRef Doc;
};

struct OperationInfo {
  Operation Id;
  llvm::StringRef Spelling;
  OperationKind Kind;
};

struct OperationEffect {
  Invalidation Invalidates = Invalidation::None;
  bool MayAllocate = false;
};

const FamilyInfo &familyInfo(Family F);
llvm::ArrayRef<FamilyInfo> allFamilies();
std::optional<Family> familyByName(llvm::StringRef Name);

const OperationInfo &operationInfo(Operation Op);

/// Operations spelled \p Spelling (several for overloaded members like erase).
llvm::SmallVector<Operation, 3> operationsBySpelling(llvm::StringRef Spelling);

/// What \p Op does to a map of family \p F. Mutations the table does not list
/// for a family are treated as invalidating everything; reads invalidate
/// nothing.
OperationEffect effectOf(Family F, Operation Op);

/// Whether \p Op, applied to a map of family \p F, can invalidate an iterator
/// that points to an element other than the ones it removes.
bool invalidatesOtherIterators(Family F, Operation Op);

/// The families' names, ", "-separated, for diagnostics about bad options.
std::string familyNamesForDiagnostic();

/// Built-in map class templates: (fully qualified name, family).
struct BuiltinMapType {
  llvm::StringRef QualifiedName;
  Family FamilyId;
};
llvm::ArrayRef<BuiltinMapType> builtinMapTypes();

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_CONTAINERSEMANTICS_H

//===- MapIdentity.h - Which map object an expression denotes ---*- C++ -*-===//
//
// Two expressions denote the same map when they resolve to the same MapRef:
// the same root declaration (a member of `this`, a global, a local, a
// parameter) and the same chain of members below it. Resolution looks through
// local references and pointers initialised from another map expression
// (`auto &t = table_;`, `auto *p = &table_;`), `*p`, `p->`, smart pointers,
// and lambda captures (which refer to the captured variable itself).
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_MAPIDENTITY_H
#define MAPGUARD_LIB_MAPIDENTITY_H

#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace clang {
class Expr;
class ValueDecl;
class FieldDecl;
} // namespace clang

namespace mapguard::analysis {

/// Where the map object lives; decides who else can reach it.
enum class MapOwner {
  Member,      ///< a data member of `*this`
  Global,      ///< a namespace-scope variable or static data member
  StaticLocal, ///< a function-local static
  Local,       ///< an automatic variable
  Parameter,   ///< reached through a function parameter
};

struct MapRef {
  /// The variable, parameter or member of `this` everything starts from.
  const clang::ValueDecl *Root = nullptr;
  /// Members selected below Root (`obj.a.table` has path {a, table}).
  llvm::SmallVector<const clang::FieldDecl *, 2> Path;
  /// How many pointer or smart-pointer indirections were followed from the
  /// last step (`*p`, `sp->`): the object is what the pointer points to.
  unsigned Derefs = 0;
  MapOwner Owner = MapOwner::Local;

  bool operator==(const MapRef &Other) const {
    return Root == Other.Root && Path == Other.Path && Derefs == Other.Derefs;
  }
  bool operator!=(const MapRef &Other) const { return !(*this == Other); }

  /// The name to show in a diagnostic: `table_`, `obj.table`.
  std::string name() const;
};

/// Resolves \p E to the map object it denotes, or nullopt when the object is
/// not a named one (a function's result, an element of an array, ...).
std::optional<MapRef> resolveMapRef(const clang::Expr *E);

/// Resolves the map object that the pointer (or smart pointer) expression
/// \p Pointer points to.
std::optional<MapRef> resolvePointeeMapRef(const clang::Expr *Pointer);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_MAPIDENTITY_H

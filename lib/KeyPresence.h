//===- KeyPresence.h - Is a key known to be in its map? ---------*- C++ -*-===//
//
// A keyed access (`m[k]`, `m.at(k)`) whose key was proved present earlier in
// the function: a membership test on the same map and the same key guards it
// (`if (m.count(k))`, `m.find(k) != m.end() ? ... : ...`, `m.contains(k) &&
// ...`), or a test for absence left the block (`if (m.find(k) == m.end())
// return;`), or filled the gap (`if (!m.count(k)) m[k] = v;`), or the key was
// inserted unconditionally before (`m[k] = v;`, `m.try_emplace(k)`). The
// test may go through a variable that holds the lookup's result, when it is
// declared in the `if` itself or right before it (`auto it = m.find(k);
// if (it == m.end()) return;`).
//
// The proof holds only while nothing may have removed the key: between the
// proof and the access there must be no removing operation on the map (erase,
// clear, extract, swap, assignment; insertions keep keys), no member function
// of `this` that may remove from it (MethodEffects), no appearance of the map
// other than as the object of a non-removing operation (it could be passed
// on, aliased, or moved from), no write to the key's variables, and no label
// to jump in by. A loop that contains the access but not the proof counts as
// a whole: its later statements run before the access's next turn.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_KEYPRESENCE_H
#define MAPGUARD_LIB_KEYPRESENCE_H

#include "MapAccess.h"
#include "MethodEffects.h"
#include "llvm/ADT/ArrayRef.h"

namespace clang {
class ASTContext;
class Stmt;
} // namespace clang

namespace mapguard::analysis {

/// Whether the key of \p Lookup (a keyed access on a named map) is known to
/// be present in the map when \p Lookup runs. \p Ancestors is the chain of
/// statements from the function body (or the body of a lambda) down to
/// Lookup.Site, as forEachStmt gives it. Looks no further out than an
/// enclosing lambda. Gives up (false) after \p NodeBudget statements.
bool keyKnownPresent(const MapAccess &Lookup,
                     llvm::ArrayRef<const clang::Stmt *> Ancestors,
                     const MapTypeRegistry &Maps, MethodEffects &Effects,
                     const clang::ASTContext &Ctx, unsigned NodeBudget = 4000);

/// Whether \p Op only ever adds elements to the map it is applied to (a key
/// present before is present after).
bool keepsExistingKeys(Operation Op);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_KEYPRESENCE_H

// Copyright MapGuard authors.
//
// container_semantics.h — a C++ view of container_semantics.def.
//
// The static checks and the runtime wrappers must agree on what a map
// operation does (is it a mutation, which iterators does it invalidate, can it
// allocate). Both read the same table, container_semantics.def; this header
// expands it into constexpr arrays and lookup functions, and adds the one
// thing a string table cannot give C++ code: `map_family<Map>`, which maps a
// concrete container type to its family so that `checked_map` can ask "does
// this insertion invalidate live iterators of *this* map?".
//
// Nothing here is hard-coded twice: adding a row to the .def adds it here.

#ifndef MAPGUARD_CONTAINER_SEMANTICS_H_
#define MAPGUARD_CONTAINER_SEMANTICS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif
#if defined(__cpp_lib_flat_map) && __cpp_lib_flat_map >= 202207L
#include <flat_map>
#define MAPGUARD_HAS_STD_FLAT_MAP 1
#else
#define MAPGUARD_HAS_STD_FLAT_MAP 0
#endif

namespace mapguard {

// A family of containers that share iterator-invalidation rules.
enum class family : unsigned char {
#define MAPGUARD_FAMILY(Id, Name, ConcurrentMutation, ConcurrentIteration, Doc) \
  Id,
#include "mapguard/container_semantics.def"
};

// What an operation does to the map, coarsely: the checks need to know
// whether an access is a read, the start of an iteration, or a mutation.
enum class op_kind : unsigned char { Read, Iterate, Mutate };

// An operation, by the member function that performs it. Overloads with
// different effects (erase by key / iterator / range) are distinct values.
enum class operation : unsigned char {
#define MAPGUARD_OPERATION(Id, Spelling, Kind) Id,
#include "mapguard/container_semantics.def"
};

// Which iterators and references an operation invalidates. See the .def for
// the exact meaning of each value.
enum class invalidates : unsigned char { None, Element, AllIfRehash, All, Rebinds };

struct family_info {
  family id;
  std::string_view name;
  bool concurrent_mutation;   // several writers need no external lock
  bool concurrent_iteration;  // iterating during another thread's write is defined
  std::string_view doc;
};

struct operation_info {
  operation id;
  std::string_view spelling;
  op_kind kind;
};

struct semantics_row {
  family fam;
  operation op;
  invalidates invalidated;
  bool may_allocate;
};

struct map_type_row {
  std::string_view qualified_name;
  family fam;
};

inline constexpr family_info kFamilies[] = {
#define MAPGUARD_FAMILY(Id, Name, ConcurrentMutation, ConcurrentIteration, Doc) \
  {family::Id, Name, ConcurrentMutation, ConcurrentIteration, Doc},
#include "mapguard/container_semantics.def"
};

inline constexpr operation_info kOperations[] = {
#define MAPGUARD_OPERATION(Id, Spelling, Kind) \
  {operation::Id, Spelling, op_kind::Kind},
#include "mapguard/container_semantics.def"
};

inline constexpr semantics_row kSemantics[] = {
#define MAPGUARD_SEMANTICS(Family, Operation, Invalidates, MayAllocate) \
  {family::Family, operation::Operation, invalidates::Invalidates, MayAllocate},
#include "mapguard/container_semantics.def"
};

inline constexpr map_type_row kMapTypes[] = {
#define MAPGUARD_MAP_TYPE(QualifiedName, Family) {QualifiedName, family::Family},
#include "mapguard/container_semantics.def"
};

// The family's row. Every enumerator has exactly one (the enum is generated
// from the same rows), so the lookup cannot fail.
constexpr const family_info& info(family f) {
  return kFamilies[static_cast<std::size_t>(f)];
}

constexpr const operation_info& info(operation o) {
  return kOperations[static_cast<std::size_t>(o)];
}

// The semantics of `op` on a container of family `f`, or nullopt when the
// family has no such operation (e.g. rehash on std::map).
constexpr std::optional<semantics_row> semantics_of(family f, operation op) {
  for (const semantics_row& row : kSemantics) {
    if (row.fam == f && row.op == op) return row;
  }
  return std::nullopt;
}

// The family a qualified class-template name belongs to ("std::map"), as the
// static analysis sees it.
constexpr std::optional<family> family_of_name(std::string_view name) {
  for (const map_type_row& row : kMapTypes) {
    if (row.qualified_name == name) return row.fam;
  }
  return std::nullopt;
}

// True when `op` on family `f` may invalidate iterators other than the one the
// operation itself returns. Conservative for unknown rows: a mutation the
// table does not describe is assumed to invalidate everything.
constexpr bool may_invalidate_other_iterators(family f, operation op) {
  const std::optional<semantics_row> row = semantics_of(f, op);
  if (!row) return info(op).kind == op_kind::Mutate;
  return row->invalidated != invalidates::None;
}

// map_family<Map>: the family of a concrete container type. Specialized below
// for the standard maps; users (and other mapguard headers) specialize it for
// their own containers. `name` must be the qualified name used in the .def,
// which the tests cross-check against the table.
template <class Map>
struct map_family {
  static constexpr bool known = false;
};

#define MAPGUARD_DETAIL_MAP_FAMILY(Template, Name, Family)            \
  template <class... Args>                                            \
  struct map_family<Template<Args...>> {                              \
    static constexpr bool known = true;                               \
    static constexpr std::string_view name = Name;                    \
    static constexpr family value = family::Family;                   \
  };

MAPGUARD_DETAIL_MAP_FAMILY(std::map, "std::map", NodeOrdered)
MAPGUARD_DETAIL_MAP_FAMILY(std::multimap, "std::multimap", NodeOrdered)
MAPGUARD_DETAIL_MAP_FAMILY(std::unordered_map, "std::unordered_map", NodeUnordered)
MAPGUARD_DETAIL_MAP_FAMILY(std::unordered_multimap, "std::unordered_multimap",
                           NodeUnordered)
#if MAPGUARD_HAS_STD_FLAT_MAP
MAPGUARD_DETAIL_MAP_FAMILY(std::flat_map, "std::flat_map", Flat)
MAPGUARD_DETAIL_MAP_FAMILY(std::flat_multimap, "std::flat_multimap", Flat)
#endif

// Every map_family specialization must agree with the table; a mismatch is a
// compile error, not a silent divergence between the checks and the runtime.
template <class Map>
constexpr bool map_family_agrees_with_table() {
  if constexpr (!map_family<Map>::known) {
    return true;
  } else {
    const std::optional<family> f = family_of_name(map_family<Map>::name);
    return f && *f == map_family<Map>::value;
  }
}

static_assert(map_family_agrees_with_table<std::map<int, int>>());
static_assert(map_family_agrees_with_table<std::multimap<int, int>>());
static_assert(map_family_agrees_with_table<std::unordered_map<int, int>>());
static_assert(map_family_agrees_with_table<std::unordered_multimap<int, int>>());

}  // namespace mapguard

#endif  // MAPGUARD_CONTAINER_SEMANTICS_H_

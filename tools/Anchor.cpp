//===- Anchor.cpp - Keep the statically linked mapguard module -----------===//
//
// The module registers itself from a static object in MapGuardModule.cpp.
// Nothing in the drivers calls into that file, so without a reference the
// linker would drop it from libmapguard_checks.a and clang-tidy would not
// know any mapguard check.
//
//===----------------------------------------------------------------------===//

extern volatile int MapGuardModuleAnchorSource;
[[maybe_unused]] static int MapGuardModuleAnchorDestination =
    MapGuardModuleAnchorSource;

//===- ContainerSemanticsTest.cpp -----------------------------------------===//

#include "ContainerSemantics.h"
#include "gtest/gtest.h"

using namespace mapguard::analysis;

TEST(ContainerSemantics, FamiliesAreFoundByName) {
  EXPECT_EQ(familyByName("node-ordered"), Family::NodeOrdered);
  EXPECT_EQ(familyByName("node-unordered"), Family::NodeUnordered);
  EXPECT_EQ(familyByName("flat"), Family::Flat);
  EXPECT_EQ(familyByName("concurrent"), Family::Concurrent);
  EXPECT_FALSE(familyByName("hash"));
  EXPECT_NE(familyNamesForDiagnostic().find("'flat'"), std::string::npos);
}

TEST(ContainerSemantics, NodeOrderedInsertionKeepsIterators) {
  EXPECT_EQ(effectOf(Family::NodeOrdered, Operation::Insert).Invalidates,
            Invalidation::None);
  EXPECT_EQ(effectOf(Family::NodeOrdered, Operation::Subscript).Invalidates,
            Invalidation::None);
  EXPECT_TRUE(effectOf(Family::NodeOrdered, Operation::Emplace).MayAllocate);
  EXPECT_EQ(effectOf(Family::NodeOrdered, Operation::EraseKey).Invalidates,
            Invalidation::Element);
  EXPECT_FALSE(invalidatesOtherIterators(Family::NodeOrdered, Operation::EraseIterator));
  EXPECT_TRUE(invalidatesOtherIterators(Family::NodeOrdered, Operation::Clear));
}

TEST(ContainerSemantics, UnorderedInsertionMayRehash) {
  EXPECT_EQ(effectOf(Family::NodeUnordered, Operation::TryEmplace).Invalidates,
            Invalidation::AllIfRehash);
  EXPECT_TRUE(invalidatesOtherIterators(Family::NodeUnordered, Operation::Subscript));
  EXPECT_EQ(effectOf(Family::NodeUnordered, Operation::EraseIterator).Invalidates,
            Invalidation::Element);
}

TEST(ContainerSemantics, FlatMapsMoveOnInsertAndErase) {
  EXPECT_EQ(effectOf(Family::Flat, Operation::Insert).Invalidates, Invalidation::All);
  EXPECT_EQ(effectOf(Family::Flat, Operation::EraseKey).Invalidates, Invalidation::All);
}

TEST(ContainerSemantics, SwapRebindsAndReadsInvalidateNothing) {
  EXPECT_EQ(effectOf(Family::NodeOrdered, Operation::Swap).Invalidates,
            Invalidation::Rebinds);
  EXPECT_EQ(effectOf(Family::Flat, Operation::Find).Invalidates, Invalidation::None);
  EXPECT_FALSE(effectOf(Family::NodeUnordered, Operation::Find).MayAllocate);
}

TEST(ContainerSemantics, ConcurrentFamilyToleratesMutation) {
  EXPECT_TRUE(familyInfo(Family::Concurrent).ConcurrentIteration);
  EXPECT_EQ(effectOf(Family::Concurrent, Operation::Insert).Invalidates,
            Invalidation::None);
  // Not listed for the family: still no invalidation for a concurrent map.
  EXPECT_EQ(effectOf(Family::Concurrent, Operation::Swap).Invalidates,
            Invalidation::None);
}

TEST(ContainerSemantics, EraseHasThreeOperations) {
  auto Ops = operationsBySpelling("erase");
  ASSERT_EQ(Ops.size(), 3u);
  EXPECT_EQ(operationInfo(Ops[0]).Kind, OperationKind::Mutate);
  EXPECT_TRUE(operationsBySpelling("no_such_member").empty());
}

TEST(ContainerSemantics, EveryBuiltinTypeHasAFamily) {
  ASSERT_FALSE(builtinMapTypes().empty());
  bool SawStdMap = false;
  for (const BuiltinMapType &Type : builtinMapTypes())
    SawStdMap |= Type.QualifiedName == "std::map" &&
                 Type.FamilyId == Family::NodeOrdered;
  EXPECT_TRUE(SawStdMap);
}

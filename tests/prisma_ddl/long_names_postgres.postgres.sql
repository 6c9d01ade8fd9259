-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver" (
    "id" SERIAL NOT NULL,
    "anExtremelyLongColumnNameThatIsUniqueAcrossTable" TEXT NOT NULL,
    "anotherQuiteLongColumnNameUsedInACompositeIndex" INTEGER NOT NULL,
    "yetAnotherLongColumnNameForTheSameCompositeIndex" INTEGER NOT NULL,
    "someOtherModelWithAnEvenLongerNameForTestingId" INTEGER NOT NULL,

    CONSTRAINT "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SomeOtherModelWithAnEvenLongerNameForTestingPurposes" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "SomeOtherModelWithAnEvenLongerNameForTestingPurposes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ALongTagModelNameForImplicitManyToManyJoinTables" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "ALongTagModelNameForImplicitManyToManyJoinTables_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_ALongTagModelNameForImplicitManyToManyJoinTablesToSomeOtherMod" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_ALongTagModelNameForImplicitManyToManyJoinTablesToSome_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver_anExt_key" ON "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver"("anExtremelyLongColumnNameThatIsUniqueAcrossTable");

-- CreateIndex
CREATE INDEX "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver_yetAn_idx" ON "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver"("yetAnotherLongColumnNameForTheSameCompositeIndex", "anotherQuiteLongColumnNameUsedInACompositeIndex");

-- CreateIndex
CREATE UNIQUE INDEX "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver_anoth_key" ON "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver"("anotherQuiteLongColumnNameUsedInACompositeIndex", "yetAnotherLongColumnNameForTheSameCompositeIndex");

-- CreateIndex
CREATE INDEX "_ALongTagModelNameForImplicitManyToManyJoinTablesToSome_B_index" ON "_ALongTagModelNameForImplicitManyToManyJoinTablesToSomeOtherMod"("B");

-- AddForeignKey
ALTER TABLE "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver" ADD CONSTRAINT "AVeryLongModelNameThatKeepsGoingOnAndOnForeverAndEver_some_fkey" FOREIGN KEY ("someOtherModelWithAnEvenLongerNameForTestingId") REFERENCES "SomeOtherModelWithAnEvenLongerNameForTestingPurposes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_ALongTagModelNameForImplicitManyToManyJoinTablesToSomeOtherMod" ADD CONSTRAINT "_ALongTagModelNameForImplicitManyToManyJoinTablesToSomeO_A_fkey" FOREIGN KEY ("A") REFERENCES "ALongTagModelNameForImplicitManyToManyJoinTables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_ALongTagModelNameForImplicitManyToManyJoinTablesToSomeOtherMod" ADD CONSTRAINT "_ALongTagModelNameForImplicitManyToManyJoinTablesToSomeO_B_fkey" FOREIGN KEY ("B") REFERENCES "SomeOtherModelWithAnEvenLongerNameForTestingPurposes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "type" AS ENUM ('struct', 'match', 'self', 'fn');

-- CreateTable
CREATE TABLE "match" (
    "id" SERIAL NOT NULL,
    "type" "type" NOT NULL DEFAULT 'struct',
    "self" TEXT NOT NULL,
    "struct" TEXT NOT NULL,
    "crate" TEXT,
    "super" INTEGER,
    "fn" INTEGER,
    "ref" INTEGER,
    "mut" BOOLEAN,
    "loop" INTEGER,
    "where" TEXT,
    "async" TEXT,
    "await" TEXT,
    "dyn" TEXT,
    "move" TEXT,
    "impl" TEXT,
    "trait" TEXT,
    "yield" TEXT,
    "union" TEXT,
    "model" TEXT,
    "enum" TEXT,

    CONSTRAINT "match_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "impl" (
    "id" INTEGER NOT NULL,
    "matchId" INTEGER NOT NULL,
    "mod" TEXT NOT NULL,
    "type" TEXT NOT NULL,

    CONSTRAINT "impl_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "impl_matchId_mod_key" ON "impl"("matchId", "mod");

-- AddForeignKey
ALTER TABLE "impl" ADD CONSTRAINT "impl_matchId_fkey" FOREIGN KEY ("matchId") REFERENCES "match"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

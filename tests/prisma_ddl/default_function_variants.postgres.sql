-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Ids" (
    "id" TEXT NOT NULL,
    "uuid4" TEXT NOT NULL,
    "cuid1" TEXT NOT NULL,
    "cuid2" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "nano10" TEXT NOT NULL,
    "ulid" TEXT NOT NULL,

    CONSTRAINT "Ids_pkey" PRIMARY KEY ("id")
);

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Item" (
    "id" UUID NOT NULL,
    "tags" TEXT[],

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

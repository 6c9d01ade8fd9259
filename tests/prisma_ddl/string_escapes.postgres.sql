-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Quote" AS ENUM ('it's', 'say "hi"', 'a\b/c/d');

-- CreateTable
CREATE TABLE "escapes "table"" (
    "id" SERIAL NOT NULL,
    "quoted "col"" TEXT NOT NULL DEFAULT 'She said "hello"',
    "back\slash" TEXT NOT NULL DEFAULT 'C:\Users\me',
    "controls" TEXT NOT NULL DEFAULT 'line1
line2
	tabbed',
    "unicode" TEXT NOT NULL DEFAULT 'café 😀 世界',
    "raw" TEXT NOT NULL DEFAULT 'grüße ✓ 世界',
    "slash" TEXT NOT NULL DEFAULT 'a/b',
    "empty" TEXT NOT NULL DEFAULT '',
    "braces" TEXT NOT NULL DEFAULT '{ } [ ] ( ) @ // not a comment',
    "json" JSONB NOT NULL DEFAULT '{"key": "va\"lue", "list": [1, 2]}',
    "quote" "Quote" NOT NULL DEFAULT 'say "hi"',

    CONSTRAINT "escapes "table"_pkey" PRIMARY KEY ("id")
);

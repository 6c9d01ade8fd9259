-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateEnum
CREATE TYPE "color" AS ENUM ('RED', 'green', 'blue');

-- CreateEnum
CREATE TYPE "Size" AS ENUM ('S', 'M', 'L');

-- CreateTable
CREATE TABLE "Scalars" (
    "id" SERIAL NOT NULL,
    "string" TEXT NOT NULL,
    "stringOpt" TEXT,
    "stringList" TEXT[],
    "boolean" BOOLEAN NOT NULL,
    "booleanOpt" BOOLEAN,
    "booleanList" BOOLEAN[],
    "int" INTEGER NOT NULL,
    "intOpt" INTEGER,
    "intList" INTEGER[],
    "bigInt" BIGINT NOT NULL,
    "bigIntOpt" BIGINT,
    "bigIntList" BIGINT[],
    "float" DOUBLE PRECISION NOT NULL,
    "floatOpt" DOUBLE PRECISION,
    "floatList" DOUBLE PRECISION[],
    "decimal" DECIMAL(65,30) NOT NULL,
    "decimalOpt" DECIMAL(65,30),
    "decimalList" DECIMAL(65,30)[],
    "dateTime" TIMESTAMP(3) NOT NULL,
    "dateTimeOpt" TIMESTAMP(3),
    "dateTimeList" TIMESTAMP(3)[],
    "json" JSONB NOT NULL,
    "jsonOpt" JSONB,
    "jsonList" JSONB[],
    "bytes" BYTEA NOT NULL,
    "bytesOpt" BYTEA,
    "bytesList" BYTEA[],
    "color" "color" NOT NULL,
    "colorOpt" "color",
    "colorList" "color"[],

    CONSTRAINT "Scalars_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Defaults" (
    "id" TEXT NOT NULL,
    "cuid" TEXT NOT NULL,
    "string" TEXT NOT NULL DEFAULT 'hello "world"
	tab \ backslash',
    "emptyString" TEXT NOT NULL DEFAULT '',
    "unicode" TEXT NOT NULL DEFAULT 'grüße, 世界 ✓',
    "boolean" BOOLEAN NOT NULL DEFAULT true,
    "int" INTEGER NOT NULL DEFAULT 42,
    "negative" INTEGER NOT NULL DEFAULT -7,
    "bigInt" BIGINT NOT NULL DEFAULT 9007199254740993,
    "float" DOUBLE PRECISION NOT NULL DEFAULT 3.14,
    "negFloat" DOUBLE PRECISION NOT NULL DEFAULT -0.5,
    "decimal" DECIMAL(65,30) NOT NULL DEFAULT 12.50,
    "dateTime" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fixedDate" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-01 00:00:00 +00:00',
    "json" JSONB NOT NULL DEFAULT '{"a": [1, 2, {"b": null}]}',
    "bytes" BYTEA NOT NULL DEFAULT '\x010203',
    "color" "color" NOT NULL DEFAULT 'green',
    "size" "Size" DEFAULT 'M',
    "stringList" TEXT[] DEFAULT ARRAY['a', 'b,c', 'd"e']::TEXT[],
    "intList" INTEGER[] DEFAULT ARRAY[1, 2, 3]::INTEGER[],
    "emptyList" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "colorList" "color"[] DEFAULT ARRAY['RED', 'blue']::"color"[],
    "generated" TEXT NOT NULL DEFAULT gen_random_uuid()::text,
    "generatedTs" TIMESTAMP(6) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Defaults_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NativeTypes" (
    "id" SERIAL NOT NULL,
    "smallInt" SMALLINT NOT NULL,
    "integer" INTEGER NOT NULL,
    "oid" OID NOT NULL,
    "bigInt" BIGINT NOT NULL,
    "decimal" DECIMAL NOT NULL,
    "decimalPS" DECIMAL(10,2) NOT NULL,
    "real" REAL NOT NULL,
    "doublePrecision" DOUBLE PRECISION NOT NULL,
    "varChar" VARCHAR NOT NULL,
    "varChar255" VARCHAR(255) NOT NULL,
    "char" CHAR NOT NULL,
    "char10" CHAR(10) NOT NULL,
    "text" TEXT NOT NULL,
    "citext" CITEXT NOT NULL,
    "inet" INET NOT NULL,
    "bit" BIT NOT NULL,
    "bit8" BIT(8) NOT NULL,
    "varBit" VARBIT NOT NULL,
    "varBit16" VARBIT(16) NOT NULL,
    "uuid" UUID NOT NULL,
    "xml" XML NOT NULL,
    "byteA" BYTEA NOT NULL,
    "timestamp" TIMESTAMP NOT NULL,
    "timestamp3" TIMESTAMP(3) NOT NULL,
    "timestamptz" TIMESTAMPTZ NOT NULL,
    "timestamptz6" TIMESTAMPTZ(6) NOT NULL,
    "date" DATE NOT NULL,
    "time" TIME NOT NULL,
    "time0" TIME(0) NOT NULL,
    "timetz" TIMETZ NOT NULL,
    "timetz2" TIMETZ(2) NOT NULL,
    "boolean" BOOLEAN NOT NULL,
    "json" JSON NOT NULL,
    "jsonB" JSONB NOT NULL,
    "varCharList" VARCHAR(20)[],
    "uuidList" UUID[],
    "smallIntOpt" SMALLINT,

    CONSTRAINT "native_types_pk" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Unsupporteds" (
    "id" INTEGER NOT NULL,
    "location" point,
    "path" path,
    "search" tsvector DEFAULT ''::tsvector,
    "circle" circle NOT NULL,
    "secret" TEXT,

    CONSTRAINT "Unsupporteds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "org_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "email" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "note" TEXT,

    CONSTRAINT "membership_pk" PRIMARY KEY ("org_id","user_id")
);

-- CreateTable
CREATE TABLE "Owned" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER,
    "userId" INTEGER,

    CONSTRAINT "Owned_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Restricting" (
    "id" INTEGER NOT NULL,
    "aId" INTEGER NOT NULL,
    "bId" INTEGER NOT NULL,
    "cId" INTEGER DEFAULT 0,
    "dId" INTEGER NOT NULL,
    "eId" INTEGER,

    CONSTRAINT "Restricting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Target" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Indexed" (
    "id" INTEGER NOT NULL,
    "doc" JSONB NOT NULL,
    "title" TEXT NOT NULL,
    "addr" INET NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Indexed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "membership_email_uq" ON "memberships"("email");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_slug_key" ON "memberships"("slug");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE INDEX "membership_org_rank_idx" ON "memberships"("org_id", "rank" DESC);

-- CreateIndex
CREATE INDEX "byNote" ON "memberships"("note");

-- CreateIndex
CREATE INDEX "memberships_slug_idx" ON "memberships" USING HASH ("slug");

-- CreateIndex
CREATE INDEX "memberships_email_idx" ON "memberships"("email");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_org_id_rank_key" ON "memberships"("org_id", "rank");

-- CreateIndex
CREATE UNIQUE INDEX "membership_org_slug_uq" ON "memberships"("org_id", "slug");

-- CreateIndex
CREATE INDEX "Indexed_doc_idx" ON "Indexed" USING GIN ("doc");

-- CreateIndex
CREATE INDEX "indexed_doc_path_idx" ON "Indexed" USING GIN ("doc" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Indexed_createdAt_idx" ON "Indexed" USING BRIN ("createdAt");

-- CreateIndex
CREATE INDEX "Indexed_addr_idx" ON "Indexed" USING GIST ("addr" inet_ops);

-- CreateIndex
CREATE INDEX "Indexed_title_idx" ON "Indexed" USING SPGIST ("title" text_ops);

-- CreateIndex
CREATE INDEX "events_live_starts_idx" ON "events"("starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "events_name_starts_at_key" ON "events"("name", "starts_at");

-- AddForeignKey
ALTER TABLE "Owned" ADD CONSTRAINT "owned_owner_fk" FOREIGN KEY ("orgId", "userId") REFERENCES "memberships"("org_id", "user_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restricting" ADD CONSTRAINT "Restricting_aId_fkey" FOREIGN KEY ("aId") REFERENCES "Owned"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Restricting" ADD CONSTRAINT "Restricting_bId_fkey" FOREIGN KEY ("bId") REFERENCES "Target"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Restricting" ADD CONSTRAINT "Restricting_cId_fkey" FOREIGN KEY ("cId") REFERENCES "Target"("id") ON DELETE SET DEFAULT ON UPDATE SET DEFAULT;

-- AddForeignKey
ALTER TABLE "Restricting" ADD CONSTRAINT "Restricting_dId_fkey" FOREIGN KEY ("dId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restricting" ADD CONSTRAINT "Restricting_eId_fkey" FOREIGN KEY ("eId") REFERENCES "Target"("id") ON DELETE SET NULL ON UPDATE SET NULL;

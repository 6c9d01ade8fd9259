-- CreateTable
CREATE TABLE "Scalars" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "string" TEXT NOT NULL,
    "stringOpt" TEXT,
    "boolean" BOOLEAN NOT NULL,
    "booleanOpt" BOOLEAN,
    "int" INTEGER NOT NULL,
    "intOpt" INTEGER,
    "bigInt" BIGINT NOT NULL,
    "bigIntOpt" BIGINT,
    "float" REAL NOT NULL,
    "floatOpt" REAL,
    "decimal" DECIMAL NOT NULL,
    "decimalOpt" DECIMAL,
    "dateTime" DATETIME NOT NULL,
    "dateTimeOpt" DATETIME,
    "json" JSONB NOT NULL,
    "jsonOpt" JSONB,
    "bytes" BLOB NOT NULL,
    "bytesOpt" BLOB,
    "color" TEXT NOT NULL,
    "colorOpt" TEXT
);

-- CreateTable
CREATE TABLE "Defaults" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "uuid" TEXT NOT NULL,
    "string" TEXT NOT NULL DEFAULT 'it''s "quoted"\n',
    "boolean" BOOLEAN NOT NULL DEFAULT false,
    "int" INTEGER NOT NULL DEFAULT -1,
    "bigInt" BIGINT NOT NULL DEFAULT 0,
    "float" REAL NOT NULL DEFAULT 1500.25,
    "decimal" DECIMAL NOT NULL DEFAULT 0.1,
    "dateTime" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fixedDate" DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00 +00:00',
    "json" JSONB NOT NULL DEFAULT [],
    "bytes" BLOB NOT NULL DEFAULT '',
    "color" TEXT NOT NULL DEFAULT 'RED',
    "generated" TEXT NOT NULL DEFAULT (lower(hex(randomblob(16)))),
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Counter" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "label" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Unsupporteds" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "raw" NUMERIC,
    "secret" TEXT
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
);

-- CreateTable
CREATE TABLE "memberships" (
    "org_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,

    PRIMARY KEY ("org_id", "user_id")
);

-- CreateTable
CREATE TABLE "Owned" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER,
    "userId" INTEGER,
    CONSTRAINT "Owned_orgId_userId_fkey" FOREIGN KEY ("orgId", "userId") REFERENCES "memberships" ("org_id", "user_id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "events" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "starts_at" DATETIME NOT NULL,
    "ends_at" DATETIME NOT NULL,
    "deleted_at" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "Defaults_uuid_key" ON "Defaults"("uuid");

-- CreateIndex
CREATE UNIQUE INDEX "counter_label_uq" ON "Counter"("label");

-- CreateIndex
CREATE INDEX "membership_org_rank_idx" ON "memberships"("org_id", "rank" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "membership_org_slug_uq" ON "memberships"("org_id", "slug");

-- CreateIndex
CREATE INDEX "Owned_orgId_userId_idx" ON "Owned"("orgId", "userId");

-- CreateIndex
CREATE INDEX "events_starts_at_idx" ON "events"("starts_at");

-- CreateTable
CREATE TABLE "Holder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ScalarRow" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "holderId" INTEGER NOT NULL,
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
    CONSTRAINT "ScalarRow_holderId_fkey" FOREIGN KEY ("holderId") REFERENCES "Holder" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

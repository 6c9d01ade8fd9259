-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateTable
CREATE TABLE "Holder" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Holder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NativeRow" (
    "id" INTEGER NOT NULL,
    "holderId" INTEGER NOT NULL,
    "smallInt" SMALLINT NOT NULL,
    "integer" INTEGER NOT NULL,
    "oid" OID NOT NULL,
    "bigInt" BIGINT NOT NULL,
    "decimal" DECIMAL(65,30) NOT NULL,
    "decimalPS" DECIMAL(10,2) NOT NULL,
    "real" REAL NOT NULL,
    "doublePrecision" DOUBLE PRECISION NOT NULL,
    "varChar" VARCHAR(255) NOT NULL,
    "char10" CHAR(10) NOT NULL,
    "text" TEXT NOT NULL,
    "citext" CITEXT NOT NULL,
    "inet" INET NOT NULL,
    "bit8" BIT(8) NOT NULL,
    "varBit" VARBIT(16) NOT NULL,
    "uuid" UUID NOT NULL,
    "xml" XML NOT NULL,
    "byteA" BYTEA NOT NULL,
    "timestamp0" TIMESTAMP(0) NOT NULL,
    "timestamp6" TIMESTAMP(6) NOT NULL,
    "timestamptz3" TIMESTAMPTZ(3) NOT NULL,
    "date" DATE NOT NULL,
    "time" TIME(6) NOT NULL,
    "time0" TIME(0) NOT NULL,
    "timetz" TIMETZ(6) NOT NULL,
    "boolean" BOOLEAN NOT NULL,
    "json" JSON NOT NULL,
    "jsonB" JSONB NOT NULL,
    "smallIntOpt" SMALLINT,
    "oidOpt" OID,
    "realOpt" REAL,
    "citextOpt" CITEXT,
    "inetOpt" INET,
    "bitOpt" VARBIT,
    "xmlOpt" XML,
    "dateOpt" DATE,
    "timeOpt" TIME,
    "timetzOpt" TIMETZ,

    CONSTRAINT "NativeRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dated" (
    "id" SERIAL NOT NULL,
    "day" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fixedDay" DATE NOT NULL DEFAULT '2020-01-31 23:30:00 -05:00',
    "at" TIME(3) NOT NULL DEFAULT '2020-01-01 12:34:56.500 +00:00',
    "atTz" TIMETZ NOT NULL DEFAULT '2020-01-01 12:34:56 +02:00',
    "clock" TIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "small" SMALLINT NOT NULL DEFAULT -32768,
    "oid" OID NOT NULL DEFAULT 7,
    "real" REAL NOT NULL DEFAULT 1.5,

    CONSTRAINT "Dated_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "NativeRow" ADD CONSTRAINT "NativeRow_holderId_fkey" FOREIGN KEY ("holderId") REFERENCES "Holder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

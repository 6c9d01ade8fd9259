-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Place" (
    "id" SERIAL NOT NULL,
    "location" geography NOT NULL DEFAULT 'POINT(0 0)'::geography,
    "legacy" TEXT,
    "title" TEXT NOT NULL,

    CONSTRAINT "Place_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGINT NOT NULL,
    "raw" JSONB NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Team" (
    "org" TEXT NOT NULL,
    "number" INTEGER NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("org","number")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" INTEGER NOT NULL,
    "teamOrg" TEXT NOT NULL,
    "teamNumber" INTEGER NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "member_team" FOREIGN KEY ("teamOrg", "teamNumber") REFERENCES "Team"("org", "number") ON DELETE RESTRICT ON UPDATE CASCADE;

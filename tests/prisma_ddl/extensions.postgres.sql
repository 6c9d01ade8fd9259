-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "bookings" (
    "id" SERIAL NOT NULL,
    "guest" TEXT NOT NULL,
    "seats" INTEGER NOT NULL,
    "price_eur" DECIMAL(65,30) NOT NULL,
    "code" TEXT NOT NULL,
    "note" TEXT,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "bookings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bookings_guest_idx" ON "bookings"("guest");

-- CreateIndex
CREATE INDEX "bookings_big_idx" ON "bookings"("starts_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "bookings_code_key" ON "bookings"("code");

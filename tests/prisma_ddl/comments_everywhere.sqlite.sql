-- CreateTable
CREATE TABLE "Entry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "mood" TEXT NOT NULL DEFAULT 'HAPPY',
    "text" TEXT
);

-- CreateIndex
CREATE INDEX "Entry_mood_idx" ON "Entry"("mood");

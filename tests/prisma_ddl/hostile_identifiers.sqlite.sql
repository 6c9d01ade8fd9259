-- CreateTable
CREATE TABLE "x"; DROP TABLE y; --" (
    "select" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "名前 "name"" TEXT NOT NULL,
    "e-mail\addr" TEXT NOT NULL,
    "größe" INTEGER NOT NULL,
    "order" TEXT NOT NULL DEFAULT 'glücklich 😀',
    "group" TEXT
);

-- CreateTable
CREATE TABLE "user" (
    "table" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ti`tle`; --" TEXT NOT NULL,
    "user" INTEGER NOT NULL DEFAULT 0,
    "line
break	*/ /* -- '" TEXT,
    "price $1 ?2 :name @p" INTEGER,
    "author (id), "ref"" INTEGER NOT NULL,
    CONSTRAINT "user_author (id), "ref"_fkey" FOREIGN KEY ("author (id), "ref"") REFERENCES "x"; DROP TABLE y; --" ("select") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "größe 名前 `reviews`" (
    "order by" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "⭐ group" INTEGER NOT NULL,
    "text \"#; DELETE FROM y; --" TEXT NOT NULL,
    "book id" INTEGER NOT NULL,
    CONSTRAINT "größe 名前 `reviews`_book id_fkey" FOREIGN KEY ("book id") REFERENCES "user" ("table") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "uniq `email`; --" ON "x"; DROP TABLE y; --"("e-mail\addr");

-- CreateIndex
CREATE INDEX "idx "größe"\; DROP TABLE y; --" ON "x"; DROP TABLE y; --"("größe", "名前 "name"");

-- CreateIndex
CREATE INDEX "user_user_idx" ON "user"("user");

-- CreateIndex
CREATE UNIQUE INDEX "user_author (id), "ref"_ti`tle`; --_key" ON "user"("author (id), "ref"", "ti`tle`; --");

-- CreateIndex
CREATE INDEX "größe 名前 `reviews`_book id_⭐ group_idx" ON "größe 名前 `reviews`"("book id", "⭐ group");

package main

import (
	"database/sql"
	"errors"
	"fmt"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

const (
	schema = `CREATE TABLE IF NOT EXISTS read_states (
  user_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  last_read_message_id INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID`
	upsertSQL = `INSERT INTO read_states VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (user_id, channel_id) DO UPDATE SET
    last_read_message_id = excluded.last_read_message_id,
    mention_count = excluded.mention_count,
    updated_at = excluded.updated_at`
	selectSQL = `SELECT last_read_message_id, mention_count, updated_at FROM read_states
  WHERE user_id = ? AND channel_id = ?`

	// maxSQLiteBatch bounds one transaction.
	maxSQLiteBatch = 1000
)

// sqliteBackend is the SQLite file behind the store: one connection, writes in transactions.
// Its one writer applies writes in queue order, so the last write of a key is its newest.
type sqliteBackend struct {
	db     *sql.DB
	upsert *sql.Stmt
	lookup *sql.Stmt
}

// openStore opens (creating if missing) the database and proves it can write and read a row
// inside a transaction it rolls back, so a broken path fails at startup rather than at the
// first write-back.
func openStore(path string) (*store, error) {
	// Every connection gets the pragmas from the DSN; there is only one anyway.
	dsn := path + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=1000"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("the store %s cannot be used: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	b := &sqliteBackend{db: db}
	if err := b.prepare(); err != nil {
		db.Close()
		// SQLite's own message names no file.
		return nil, fmt.Errorf("the store %s cannot be used: %w", path, err)
	}
	return newStore(b), nil
}

func (b *sqliteBackend) prepare() error {
	var mode string
	if err := b.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, not wal", mode)
	}
	if _, err := b.db.Exec(schema); err != nil {
		return err
	}
	var err error
	if b.upsert, err = b.db.Prepare(upsertSQL); err != nil {
		return err
	}
	if b.lookup, err = b.db.Prepare(selectSQL); err != nil {
		return err
	}
	return b.checkWriteRead()
}

// checkWriteRead writes a sentinel row (ids outside the 32-bit range, so it can never be a
// real state), reads it back and rolls the transaction back.
func (b *sqliteBackend) checkWriteRead() error {
	tx, err := b.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Stmt(b.upsert).Exec(-1, -1, 42, 7, 1.5); err != nil {
		return fmt.Errorf("test write: %w", err)
	}
	var lastRead, mentions int64
	var updatedAt float64
	if err := tx.Stmt(b.lookup).QueryRow(-1, -1).Scan(&lastRead, &mentions, &updatedAt); err != nil {
		return fmt.Errorf("test read: %w", err)
	}
	if lastRead != 42 || mentions != 7 || updatedAt != 1.5 {
		return errors.New("test read gave back a different row")
	}
	return nil
}

func (b *sqliteBackend) maxBatch() int { return maxSQLiteBatch }

func (b *sqliteBackend) loadAll(keys []key, answer func(int, ReadState, bool, error)) {
	for at, k := range keys {
		st := ReadState{UserID: k.userID, ChannelID: k.channelID}
		err := b.lookup.QueryRow(int64(k.userID), int64(k.channelID)).Scan(&st.LastReadMessageID, &st.MentionCount, &st.UpdatedAt)
		switch {
		case err == nil:
			answer(at, st, true, nil)
		case errors.Is(err, sql.ErrNoRows):
			answer(at, ReadState{}, false, nil)
		default:
			answer(at, ReadState{}, false, err)
		}
	}
}

// writeAll upserts the states in one transaction: all of them or none.
func (b *sqliteBackend) writeAll(jobs []storeJob) error {
	tx, err := b.db.Begin()
	if err != nil {
		return err
	}
	upsert := tx.Stmt(b.upsert)
	for _, job := range jobs {
		st := job.state
		if _, err := upsert.Exec(int64(st.UserID), int64(st.ChannelID), st.LastReadMessageID, st.MentionCount, st.UpdatedAt); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return err
	}
	return nil
}

func (b *sqliteBackend) close() {
	b.upsert.Close()
	b.lookup.Close()
	b.db.Close()
}

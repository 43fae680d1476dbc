package files

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/media"
)

// Store reads and writes files, within the transaction ctx carries if any,
// so a file is stored with whatever refers to it or not at all.
type Store struct{ db *gorm.DB }

// NewStore returns the files kept in gdb.
func NewStore(gdb *gorm.DB) *Store { return &Store{db: gdb} }

// New is a file to store: bytes already vetted and cleaned by the caller.
type New struct {
	OwnerID     int64
	ContentType string
	Filename    string
	Data        []byte
}

// Put stores a file and returns its description.
func (s *Store) Put(ctx context.Context, n New) (Info, error) {
	f := File{Info: Info{OwnerID: n.OwnerID, ContentType: n.ContentType, SizeBytes: len(n.Data),
		Sha256: media.Sum(n.Data), Filename: n.Filename}, Data: n.Data}
	if err := db.Conn(ctx, s.db).Create(&f).Error; err != nil {
		return Info{}, fmt.Errorf("store file: %w", err)
	}
	return f.Info, nil
}

// PutVariant stores (or replaces) a derived version of a file.
func (s *Store) PutVariant(ctx context.Context, v Variant) error {
	v.SizeBytes = len(v.Data)
	err := db.Conn(ctx, s.db).Exec(`INSERT INTO file_variants (file_id, name, content_type, size_bytes, width, height, data)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (file_id, name) DO UPDATE SET content_type = EXCLUDED.content_type,
		  size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width, height = EXCLUDED.height, data = EXCLUDED.data`,
		v.FileID, v.Name, v.ContentType, v.SizeBytes, v.Width, v.Height, v.Data).Error
	if err != nil {
		return fmt.Errorf("store variant %s of file %d: %w", v.Name, v.FileID, err)
	}
	return nil
}

// Info loads a file's description.
func (s *Store) Info(ctx context.Context, id int64) (Info, error) {
	var i Info
	if err := db.Conn(ctx, s.db).First(&i, id).Error; err != nil {
		return Info{}, notFound(err, id)
	}
	return i, nil
}

// Open loads a file with its bytes.
func (s *Store) Open(ctx context.Context, id int64) (*File, error) {
	var f File
	if err := db.Conn(ctx, s.db).First(&f, id).Error; err != nil {
		return nil, notFound(err, id)
	}
	return &f, nil
}

// OpenVariant loads a derived version of a file, served under the file's
// name and with its owner.
func (s *Store) OpenVariant(ctx context.Context, id int64, name string) (*File, error) {
	info, err := s.Info(ctx, id)
	if err != nil {
		return nil, err
	}
	var v Variant
	if err := db.Conn(ctx, s.db).Where("file_id = ? AND name = ?", id, name).First(&v).Error; err != nil {
		return nil, notFound(err, id)
	}
	info.ContentType, info.SizeBytes, info.Sha256 = v.ContentType, v.SizeBytes, media.Sum(v.Data)
	return &File{Info: info, Data: v.Data}, nil
}

func notFound(err error, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("file %d: %w", id, apperr.ErrNotFound)
	}
	return fmt.Errorf("load file %d: %w", id, err)
}

package registry

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxProblems caps ImportStats.Problems: a broken 10 GB file must not turn
// into a 10 GB problem list. Malformed keeps counting past it.
const MaxProblems = 100

// Problem is a row that was skipped, by its line in the file (the header is line 1).
type Problem struct {
	Line   int
	Reason string
}

// ImportStats counts what an import did so far.
type ImportStats struct {
	Rows int // data rows read, malformed ones included
	// Upserted counts rows inserted or changed. Rows already identical in the
	// table are left alone, so re-importing a file yields 0.
	Upserted  int
	Malformed int
	Problems  []Problem // the first MaxProblems skipped rows
}

// ImportOptions tunes an import; the zero value is ready to use.
type ImportOptions struct {
	BatchSize     int                           // rows per INSERT, default 1000
	ProgressEvery int                           // rows between Progress calls, default 50,000
	Progress      func(ImportStats)             // also called once at the end
	OnProblem     func(line int, reason string) // every skipped row, beyond MaxProblems too
}

// Import streams an NPPES npidata_pfile CSV into npi_registry, upserting by
// NPI. It holds one batch in memory whatever the file size, and skips and
// reports bad rows rather than stopping. A header lacking a required column,
// a read error or a database error stops it.
func Import(ctx context.Context, db *gorm.DB, r io.Reader, opts ImportOptions) (ImportStats, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 50_000
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	// Counted by hand so a short row becomes a Problem, not a fatal error.
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return ImportStats{}, errors.New("npi import: the file is empty, expected an NPPES header line")
	}
	if err != nil {
		return ImportStats{}, fmt.Errorf("npi import: read header: %w", err)
	}
	cols, err := mapHeader(header)
	if err != nil {
		return ImportStats{}, err
	}
	im := &importer{db: db.WithContext(ctx), opts: opts, now: time.Now().UTC(), index: map[string]int{}}
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			im.stats.Rows++
			im.lastLine = pe.StartLine
			im.problem(pe.StartLine, pe.Err.Error())
		case err != nil:
			return im.stats, fmt.Errorf("npi import: read after line %d: %w", im.lastLine, err)
		default:
			im.stats.Rows++
			im.lastLine, _ = cr.FieldPos(0)
			if len(fields) != cols.width {
				im.problem(im.lastLine, fmt.Sprintf("has %d fields, the header has %d", len(fields), cols.width))
			} else if rec, reason := cols.parse(fields, im.now); reason != "" {
				im.problem(im.lastLine, reason)
			} else {
				im.add(rec)
			}
		}
		if len(im.batch) >= opts.BatchSize {
			if err := im.flush(ctx); err != nil {
				return im.stats, err
			}
		}
		if opts.Progress != nil && im.stats.Rows%opts.ProgressEvery == 0 {
			opts.Progress(im.stats)
		}
	}
	if err := im.flush(ctx); err != nil {
		return im.stats, err
	}
	if opts.Progress != nil {
		opts.Progress(im.stats)
	}
	return im.stats, nil
}

type importer struct {
	db       *gorm.DB
	opts     ImportOptions
	now      time.Time
	stats    ImportStats
	batch    []Record
	index    map[string]int // NPI → position in batch
	lastLine int
}

func (im *importer) problem(line int, reason string) {
	im.stats.Malformed++
	if len(im.stats.Problems) < MaxProblems {
		im.stats.Problems = append(im.stats.Problems, Problem{Line: line, Reason: reason})
	}
	if im.opts.OnProblem != nil {
		im.opts.OnProblem(line, reason)
	}
}

// add queues rec. PostgreSQL refuses an upsert that touches one row twice,
// so a repeated NPI within a batch replaces the earlier row: later lines win.
func (im *importer) add(rec Record) {
	if i, ok := im.index[rec.NPI]; ok {
		im.batch[i] = rec
		return
	}
	im.index[rec.NPI] = len(im.batch)
	im.batch = append(im.batch, rec)
}

func (im *importer) flush(ctx context.Context) error {
	if len(im.batch) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("npi import: stopped after line %d: %w", im.lastLine, err)
	}
	res := im.db.Clauses(upsert).Create(&im.batch)
	if res.Error != nil {
		return fmt.Errorf("npi import: write rows up to line %d: %w", im.lastLine, res.Error)
	}
	im.stats.Upserted += int(res.RowsAffected)
	im.batch = im.batch[:0]
	clear(im.index)
	return nil
}

// dataColumns are the columns an import may change. The upsert skips rows
// whose data is unchanged, so a monthly full file mostly rewrites nothing
// and imported_at keeps meaning "last changed by an import".
var dataColumns = []string{
	"entity_type", "first_name", "middle_name", "last_name", "organization_name", "credential",
	"practice_city", "practice_state", "practice_postal_code",
	"enumeration_date", "last_update_date", "deactivation_date", "reactivation_date", "licenses",
}

var upsert = clause.OnConflict{
	Columns:   []clause.Column{{Name: "npi"}},
	DoUpdates: clause.AssignmentColumns(append(append([]string{}, dataColumns...), "imported_at")),
	Where: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "(npi_registry." +
		strings.Join(dataColumns, ", npi_registry.") + ") IS DISTINCT FROM (excluded." +
		strings.Join(dataColumns, ", excluded.") + ")"}}},
}

// ImportFile imports an NPPES data file given as the CSV itself or as the
// zip CMS publishes, which is read in place rather than extracted.
func ImportFile(ctx context.Context, db *gorm.DB, file string, opts ImportOptions) (ImportStats, error) {
	if strings.EqualFold(filepath.Ext(file), ".zip") {
		zr, err := zip.OpenReader(file)
		if err != nil {
			return ImportStats{}, fmt.Errorf("npi import: %w", err)
		}
		defer zr.Close()
		entry, err := dataEntry(zr.File)
		if err != nil {
			return ImportStats{}, fmt.Errorf("npi import: %s: %w", file, err)
		}
		rc, err := entry.Open()
		if err != nil {
			return ImportStats{}, fmt.Errorf("npi import: %s: %w", entry.Name, err)
		}
		defer rc.Close()
		return Import(ctx, db, bufio.NewReaderSize(rc, 1<<20), opts)
	}
	f, err := os.Open(file)
	if err != nil {
		return ImportStats{}, fmt.Errorf("npi import: %w", err)
	}
	defer f.Close()
	return Import(ctx, db, bufio.NewReaderSize(f, 1<<20), opts)
}

// dataEntry picks the provider file from an NPPES zip, which also carries a
// header-only copy of it and the other-name, practice-location and endpoint files.
func dataEntry(files []*zip.File) (*zip.File, error) {
	var found []*zip.File
	for _, f := range files {
		name := strings.ToLower(path.Base(f.Name))
		if ok, _ := path.Match("npidata_pfile_*.csv", name); ok && !strings.Contains(name, "fileheader") {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, errors.New("no npidata_pfile_*.csv data file in the zip")
	default:
		return nil, fmt.Errorf("several npidata_pfile_*.csv data files in the zip (%s and %s)", found[0].Name, found[1].Name)
	}
}

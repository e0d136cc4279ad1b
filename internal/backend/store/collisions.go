package store

import (
	"context"
	"fmt"
)

// rerunOnCollision runs attempt, a transaction or a savepoint of fn, and on PostgreSQL runs it once more when a unique or foreign key
// constraint refused one of its writes. Transactions there run side by side: between fn's check
// ("no API has this name", "the API exists") and its write, another transaction can commit the
// row that collides or delete the row referred to. The constraint keeps the database right; the
// second run then reads what that transaction committed, so that fn's own checks give their
// answer (409 naming the other object, 404) rather than the driver's error. A second collision in
// a row is ErrConflict. On SQLite a write transaction holds the database's one write lock from its
// start, so a check cannot go stale and a refusal is not worth a second run.
func (s *Store) rerunOnCollision(ctx context.Context, attempt func() error) error {
	err := attempt()
	if err == nil || s.dialect != postgresDialect || !isCollision(err) || ctx.Err() != nil {
		return err
	}
	if err := attempt(); err != nil {
		if isCollision(err) {
			return fmt.Errorf("%w: %w", ErrConflict, err)
		}
		return err
	}
	return nil
}

// isCollision reports whether err is a write refused by a unique or foreign key constraint.
func isCollision(err error) bool {
	return isUniqueViolation(err) || isForeignKeyViolation(err)
}

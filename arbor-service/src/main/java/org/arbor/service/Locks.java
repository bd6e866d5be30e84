package org.arbor.service;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.storage.db.LockRows;

/**
 * The git-lfs file-locking API: a writer locks a path so others know not to change it; git-lfs
 * checks the locks before pushing ({@code verify}). Locks are advisory, as in git-lfs.
 */
public final class Locks {
  private static final int MAX_PAGE = 100;

  private final Access access;
  private final LockRows rows;
  private final Clock clock;

  public Locks(Access access, LockRows rows, Clock clock) {
    this.access = access;
    this.rows = rows;
    this.clock = clock;
  }

  /** A lock as the API shows it. */
  public record Lock(String id, String path, Instant lockedAt, String owner) {}

  /** The lock now on {@code path}, and whether this call created it (false: someone held it already). */
  public record Created(Lock lock, boolean created) {}

  /** One page of locks, and the cursor of the next page if there is one. */
  public record LockPage(List<Lock> locks, String nextCursor) {}

  /** Verify's answer: the caller's locks and everyone else's. */
  public record Verified(List<Lock> ours, List<Lock> theirs, String nextCursor) {}

  public Created create(Caller caller, RepoType type, RepoId id, String path) throws IOException {
    Repo repo = access.writable(caller, type, id);
    String checked = RepoPath.of(path == null ? "" : path).value();
    Optional<LockRows.LockRow> row = rows.insert(repo.row().id(), checked, caller.userId(), caller.name(), clock.instant());
    if (row.isPresent()) {
      return new Created(lock(row.get()), true);
    }
    LockRows.LockRow existing = rows.byPath(repo.row().id(), checked)
        .orElseThrow(() -> HubException.conflict("Lock on " + checked + " changed concurrently; try again"));
    return new Created(lock(existing), false);
  }

  public LockPage list(Caller caller, RepoType type, RepoId id, String path, String lockId, String cursor,
      int limit) throws IOException {
    Repo repo = access.readable(caller, type, id);
    if (path != null && !path.isEmpty()) {
      return new LockPage(rows.byPath(repo.row().id(), path).map(Locks::lock).stream().toList(), null);
    }
    if (lockId != null && !lockId.isEmpty()) {
      return new LockPage(rows.byId(repo.row().id(), lockId).map(Locks::lock).stream().toList(), null);
    }
    int offset = offset(cursor);
    int size = limit <= 0 ? MAX_PAGE : Math.min(limit, MAX_PAGE);
    List<LockRows.LockRow> found = rows.list(repo.row().id(), offset, size);
    String next = found.size() > size ? Integer.toString(offset + size) : null;
    return new LockPage(found.stream().limit(size).map(Locks::lock).toList(), next);
  }

  public Verified verify(Caller caller, RepoType type, RepoId id, String cursor, int limit) throws IOException {
    Repo repo = access.writable(caller, type, id);
    int offset = offset(cursor);
    int size = limit <= 0 ? MAX_PAGE : Math.min(limit, MAX_PAGE);
    List<LockRows.LockRow> found = rows.list(repo.row().id(), offset, size);
    String next = found.size() > size ? Integer.toString(offset + size) : null;
    List<LockRows.LockRow> page = found.stream().limit(size).toList();
    return new Verified(
        page.stream().filter(r -> r.ownerId().equals(caller.userId())).map(Locks::lock).toList(),
        page.stream().filter(r -> !r.ownerId().equals(caller.userId())).map(Locks::lock).toList(),
        next);
  }

  /** Removes a lock: its owner may, and any writer may with {@code force}. */
  public Lock unlock(Caller caller, RepoType type, RepoId id, String lockId, boolean force) throws IOException {
    Repo repo = access.writable(caller, type, id);
    LockRows.LockRow row = rows.byId(repo.row().id(), lockId)
        .orElseThrow(() -> HubException.entryNotFound("No lock with id " + lockId));
    if (!row.ownerId().equals(caller.userId()) && !force) {
      throw HubException.forbidden("The lock on " + row.path() + " belongs to " + row.ownerName()
          + "; unlock with --force to remove it anyway");
    }
    rows.delete(row.id());
    return lock(row);
  }

  private static int offset(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(cursor));
    } catch (NumberFormatException e) {
      throw HubException.badRequest("Invalid cursor: " + cursor);
    }
  }

  private static Lock lock(LockRows.LockRow row) {
    return new Lock(row.id(), row.path(), row.lockedAt(), row.ownerName());
  }
}

package org.arbor.storage.git.dfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.arbor.storage.db.Database;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.SymbolicRef;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The rows of {@code git_refs}. Every change is one conditional statement (insert if absent, update
 * or delete only where the row still holds the expected value) plus a bump of the repository's
 * refs version, in one transaction: of two nodes moving one ref from the same value, exactly one
 * changes a row and the other learns it lost.
 */
final class GitRefRows {
  /** The refs of a repository and its versions, read together. */
  record Snapshot(Versions versions, List<Ref> refs) {}

  /** One ref change of a batch: {@code expected} null means "must not exist", {@code replacement} null deletes. */
  record Change(String name, ObjectId expected, Ref replacement) {}

  private final Jdbi jdbi;

  GitRefRows(Database db) {
    this.jdbi = db.jdbi();
  }

  /** Every ref of a repository; empty if the repository does not exist. */
  Optional<Snapshot> read(String key) {
    return jdbi.withHandle(h -> {
      List<Ref> refs = new ArrayList<>();
      Versions[] versions = {null};
      h.createQuery("""
              SELECT r.refs_version, r.packs_version, f.name, f.object_id, f.peeled, f.peeled_id, f.target
              FROM git_repos r LEFT JOIN git_refs f ON f.repo_key = r.repo_key WHERE r.repo_key = :key""")
          .bind("key", key)
          .map((rs, ctx) -> {
            versions[0] = new Versions(rs.getLong(1), rs.getLong(2));
            String name = rs.getString(3);
            if (name != null) {
              refs.add(toRef(name, rs.getString(4), rs.getBoolean(5), rs.getString(6), rs.getString(7)));
            }
            return name;
          })
          .list();
      return versions[0] == null ? Optional.empty() : Optional.of(new Snapshot(versions[0], refs));
    });
  }

  /** Sets a ref if it still is {@code expected} (its storage NEW: absent); the new refs version if so. */
  Optional<Long> compareAndPut(String key, Ref expected, Ref replacement) {
    return jdbi.inTransaction(h -> put(h, key, expected, replacement) ? GitRepoRows.bumpRefs(h, key) : Optional.empty());
  }

  /** Deletes a ref if it still is {@code expected}; the new refs version if so. */
  Optional<Long> compareAndRemove(String key, Ref expected) {
    return jdbi.inTransaction(h -> matching(h, "DELETE FROM git_refs", "", expected, key).execute() == 1
        ? GitRepoRows.bumpRefs(h, key) : Optional.empty());
  }

  /**
   * Applies all changes or none: the index of the first change whose ref was not as expected
   * (nothing changed then), or -1 when all were applied.
   */
  int apply(String key, List<Change> changes) {
    try {
      jdbi.useTransaction(h -> {
        for (int i = 0; i < changes.size(); i++) {
          Change c = changes.get(i);
          Ref expected = c.expected() == null
              ? new ObjectIdRef.Unpeeled(Ref.Storage.NEW, c.name(), null)
              : new ObjectIdRef.Unpeeled(Ref.Storage.PACKED, c.name(), c.expected());
          boolean done = c.replacement() == null
              ? matching(h, "DELETE FROM git_refs", "", expected, key).execute() == 1
              : put(h, key, expected, c.replacement());
          if (!done) {
            throw new Lost(i);
          }
        }
        if (GitRepoRows.bumpRefs(h, key).isEmpty()) {
          throw new Lost(0);
        }
      });
      return -1;
    } catch (Lost lost) {
      return lost.index;
    }
  }

  /** Rolls a batch back: change {@code index} found its ref moved. */
  private static final class Lost extends RuntimeException {
    final int index;

    Lost(int index) {
      super(null, null, false, false);
      this.index = index;
    }
  }

  /** Records what an unpeeled ref peels to, if it still names the same object; no version changes. */
  void cachePeeled(String key, Ref peeled) {
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE git_refs SET peeled = :peeled, peeled_id = :peeledId
            WHERE repo_key = :key AND name = :name AND object_id = :id AND target IS NULL""")
        .bind("key", key).bind("name", peeled.getName()).bind("id", peeled.getObjectId().name())
        .bind("peeled", true).bind("peeledId", hex(peeled.getPeeledObjectId()))
        .execute());
  }

  private static boolean put(Handle h, String key, Ref expected, Ref replacement) {
    if (expected == null || (expected.getStorage() == Ref.Storage.NEW && !expected.isSymbolic())) {
      return h.createUpdate("""
              INSERT INTO git_refs (repo_key, name, object_id, peeled, peeled_id, target)
              VALUES (:key, :name, :id, :peeled, :peeledId, :target) ON CONFLICT (repo_key, name) DO NOTHING""")
          .bind("key", key).bind("name", replacement.getName())
          .bind("id", replacement.isSymbolic() ? null : hex(replacement.getObjectId()))
          .bind("peeled", !replacement.isSymbolic() && replacement.isPeeled())
          .bind("peeledId", replacement.isSymbolic() ? null : hex(replacement.getPeeledObjectId()))
          .bind("target", replacement.isSymbolic() ? replacement.getTarget().getName() : null)
          .execute() == 1;
    }
    return matching(h, "UPDATE git_refs",
        "SET object_id = :newId, peeled = :peeled, peeled_id = :peeledId, target = :newTarget", expected, key)
        .bind("newId", replacement.isSymbolic() ? null : hex(replacement.getObjectId()))
        .bind("peeled", !replacement.isSymbolic() && replacement.isPeeled())
        .bind("peeledId", replacement.isSymbolic() ? null : hex(replacement.getPeeledObjectId()))
        .bind("newTarget", replacement.isSymbolic() ? replacement.getTarget().getName() : null)
        .execute() == 1;
  }

  /** {@code statement set WHERE <the row of expected's name holds expected's value>}. */
  private static org.jdbi.v3.core.statement.Update matching(Handle h, String statement, String set, Ref expected,
      String key) {
    String value = expected.isSymbolic() ? "target = :oldTarget" : "target IS NULL AND object_id = :oldId";
    var update = h.createUpdate(statement + " " + set + " WHERE repo_key = :key AND name = :name AND " + value)
        .bind("key", key).bind("name", expected.getName());
    if (expected.isSymbolic()) {
      update.bind("oldTarget", expected.getTarget().getName());
    } else {
      update.bind("oldId", expected.getObjectId() == null ? "" : expected.getObjectId().name());
    }
    return update;
  }

  private static Ref toRef(String name, String id, boolean peeled, String peeledId, String target) {
    if (target != null) {
      return new SymbolicRef(name, new ObjectIdRef.Unpeeled(Ref.Storage.NEW, target, null));
    }
    ObjectId object = ObjectId.fromString(id);
    if (!peeled) {
      return new ObjectIdRef.Unpeeled(Ref.Storage.PACKED, name, object);
    }
    return peeledId == null
        ? new ObjectIdRef.PeeledNonTag(Ref.Storage.PACKED, name, object)
        : new ObjectIdRef.PeeledTag(Ref.Storage.PACKED, name, object, ObjectId.fromString(peeledId));
  }

  private static String hex(ObjectId id) {
    return id == null ? null : id.name();
  }
}

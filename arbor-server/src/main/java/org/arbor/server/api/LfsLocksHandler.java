package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.Locks;

/**
 * The git-lfs locking API under {@code /P{ns}/{name}.git/info/lfs/locks} (git-lfs docs/api/locking.md):
 * create, list, verify (asked by git-lfs before every push) and unlock.
 */
final class LfsLocksHandler {
  private final Locks locks;

  LfsLocksHandler(Locks locks) {
    this.locks = locks;
  }

  /** {@code POST .../locks} {@code {path, ref}}: 201 with the lock, or 409 with the lock that exists. */
  void create(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    Locks.Created created = locks.create(ex.caller(), type, id, RepoHandler.text(body, "path"));
    ObjectNode out = Json.object();
    out.set("lock", lock(created.lock()));
    if (!created.created()) {
      out.put("message", "already created lock");
    }
    ex.lfsJson(created.created() ? 201 : 409, out);
  }

  /** {@code GET .../locks?path=&id=&cursor=&limit=}. */
  void list(Exchange ex, RepoType type, RepoId id) throws IOException {
    Locks.LockPage page = locks.list(ex.caller(), type, id, ex.query("path"), ex.query("id"), ex.query("cursor"),
        ex.intQuery("limit", 0, 1000));
    ObjectNode out = Json.object();
    out.set("locks", locks(page.locks()));
    if (page.nextCursor() != null) {
      out.put("next_cursor", page.nextCursor());
    }
    ex.lfsJson(200, out);
  }

  /** {@code POST .../locks/verify} {@code {cursor, limit, ref}}: the caller's locks and everyone else's. */
  void verify(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    Locks.Verified verified = locks.verify(ex.caller(), type, id, RepoHandler.text(body, "cursor"),
        body.path("limit").asInt(0));
    ObjectNode out = Json.object();
    out.set("ours", locks(verified.ours()));
    out.set("theirs", locks(verified.theirs()));
    if (verified.nextCursor() != null) {
      out.put("next_cursor", verified.nextCursor());
    }
    ex.lfsJson(200, out);
  }

  /** {@code POST .../locks/{id}/unlock} {@code {force, ref}}. */
  void unlock(Exchange ex, RepoType type, RepoId id, String lockId) throws IOException {
    JsonNode body = ex.readJson();
    Locks.Lock removed = locks.unlock(ex.caller(), type, id, lockId, body.path("force").asBoolean(false));
    ObjectNode out = Json.object();
    out.set("lock", lock(removed));
    ex.lfsJson(200, out);
  }

  private static ArrayNode locks(List<Locks.Lock> list) {
    ArrayNode out = Json.array();
    list.forEach(l -> out.add(lock(l)));
    return out;
  }

  private static ObjectNode lock(Locks.Lock lock) {
    ObjectNode o = Json.object().put("id", lock.id()).put("path", lock.path()).put("locked_at", Json.date(lock.lockedAt()));
    o.putObject("owner").put("name", lock.owner());
    return o;
  }
}

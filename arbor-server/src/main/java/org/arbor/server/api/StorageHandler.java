package org.arbor.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.StorageUsage;

/**
 * Dedup accounting, logical against stored bytes: {@code GET /api/T/ns/name/storage} for a
 * repository, {@code /api/users|organizations/{name}/storage} for a namespace and
 * {@code /api/admin/storage} for the instance.
 */
final class StorageHandler {
  private final StorageUsage usage;

  StorageHandler(StorageUsage usage) {
    this.usage = usage;
  }

  void repo(Exchange ex, RepoType type, RepoId id) throws IOException {
    ex.json(json(usage.repo(ex.caller(), type, id)));
  }

  void namespace(Exchange ex, String namespace) throws IOException {
    ex.json(json(usage.namespace(ex.caller(), namespace)).put("name", namespace));
  }

  void instance(Exchange ex) throws IOException {
    StorageUsage.InstanceUsage instance = usage.instance(ex.caller());
    ex.json(json(instance.content())
        .put("xorbs", instance.xorbs())
        .put("xorbBytes", instance.xorbBytes())
        .put("unreferencedChunkBytes", instance.unreferencedChunkBytes()));
  }

  /** The stored bytes of a repository, as the Hub's {@code usedStorage}. */
  long usedStorage(Exchange ex, RepoType type, RepoId id) throws IOException {
    return usage.repo(ex.caller(), type, id).storedBytes();
  }

  private static ObjectNode json(StorageUsage.Usage u) {
    return Json.object()
        .put("objects", u.objects())
        .put("xetObjects", u.xetObjects())
        .put("logicalBytes", u.logicalBytes())
        .put("storedBytes", u.storedBytes())
        .put("wholeBytes", u.wholeBytes())
        .put("xetChunkBytes", u.chunkBytes())
        .put("storedRatio", Math.round(u.ratio() * 10_000) / 10_000.0);
  }
}

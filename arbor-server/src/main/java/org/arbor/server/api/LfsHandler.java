package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.LfsBatch;
import org.arbor.service.Uploads;

/**
 * The git-lfs batch API ({@code POST /P{ns}/{name}.git/info/lfs/objects/batch}) and the signed
 * object URLs it hands out. Only the {@code basic} transfer is offered, never Xet.
 */
final class LfsHandler {
  private final Uploads uploads;

  LfsHandler(Uploads uploads) {
    this.uploads = uploads;
  }

  void batch(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    List<LfsBatch.ObjectRequest> objects = new ArrayList<>();
    for (JsonNode o : body.path("objects")) {
      objects.add(new LfsBatch.ObjectRequest(RepoHandler.text(o, "oid"), o.path("size").asLong(-1)));
    }
    LfsBatch.Result result = uploads.batch(ex.caller(), type, id, RepoHandler.text(body, "operation"),
        RepoHandler.text(body, "hash_algo"), objects);
    ObjectNode out = Json.object().put("transfer", "basic");
    ArrayNode list = out.putArray("objects");
    for (LfsBatch.ObjectResult r : result.objects()) {
      ObjectNode o = list.addObject().put("oid", r.oid()).put("size", r.size());
      if (r.errorCode() != 0) {
        o.putObject("error").put("code", r.errorCode()).put("message", r.errorMessage());
      } else if (r.action() != null) {
        o.put("authenticated", true);
        o.putObject("actions").putObject(r.action())
            .put("href", ex.baseUrl() + r.href())
            .put("expires_in", r.expiresIn());
      }
    }
    ex.lfsJson(200, out);
  }

  /** {@code PUT /api/lfs/upload/{repo}/{oid}?size=&exp=&sig=}: bytes in, verified, linked. No Authorization needed. */
  void upload(Exchange ex, String repoId, String oid) throws IOException {
    try (InputStream body = ex.body()) {
      uploads.receive(repoId, oid, longQuery(ex, "size"), longQuery(ex, "exp"), ex.query("sig"), body);
    }
    ex.json(Json.object());
  }

  /** {@code GET|HEAD /api/lfs/download/{repo}/{oid}?size=&exp=&sig=}, with Range. */
  void download(Exchange ex, String repoId, String oid) throws IOException {
    long size = longQuery(ex, "size");
    try (SeekableByteChannel channel = uploads.openDownload(repoId, oid, size, longQuery(ex, "exp"), ex.query("sig"))) {
      ex.header("ETag", '"' + oid + '"');
      ByteRange range = ContentWriter.prepare(ex, channel.size());
      if (ex.method().equals("GET")) {
        ContentWriter.write(ex, range, channel);
      }
    }
  }

  private static long longQuery(Exchange ex, String name) {
    String value = ex.query(name);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw HubException.forbidden("This transfer URL is invalid: bad " + name);
    }
  }
}

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
import org.arbor.service.XetTokens;

/**
 * The git-lfs batch API ({@code POST /P{ns}/{name}.git/info/lfs/objects/batch}) and the signed
 * object URLs it hands out: {@code basic}, and the Hub's {@code multipart} for large objects to
 * clients that offer it (an {@code actions.upload.header} of {@code chunk_size} and one URL per
 * part, the {@code href} completing), and {@code xet} to upload clients that offer it while the
 * instance has Xet on: objects to send then carry a write token for the CAS, and the
 * {@code xet-write-token} URL to refresh it.
 */
final class LfsHandler {
  private final Uploads uploads;
  private final XetTokens xetTokens;

  /** {@code xetTokens}: null while the instance has Xet off (the batch never answers {@code xet} then). */
  LfsHandler(Uploads uploads, XetTokens xetTokens) {
    this.uploads = uploads;
    this.xetTokens = xetTokens;
  }

  void batch(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    List<LfsBatch.ObjectRequest> objects = new ArrayList<>();
    for (JsonNode o : body.path("objects")) {
      objects.add(new LfsBatch.ObjectRequest(RepoHandler.text(o, "oid"), o.path("size").asLong(-1)));
    }
    List<String> transfers = new ArrayList<>();
    body.path("transfers").forEach(t -> transfers.add(t.asText()));
    String operation = RepoHandler.text(body, "operation");
    // git-lfs sends the headers an action names (the HF clients send the body alone) and waits 30 s
    // at most for a reply: its uploads straight into the object store are signed over the object's
    // SHA-256 too, and only those small enough to be verified in that time go there.
    String agent = ex.header("User-Agent");
    boolean gitLfs = agent != null && agent.startsWith("git-lfs/");
    LfsBatch.Result result = uploads.batch(ex.caller(), type, id, operation, RepoHandler.text(body, "hash_algo"),
        transfers, objects, gitLfs);
    boolean xet = xetTokens != null && transfers.contains("xet") && "upload".equals(operation);
    ObjectNode out = Json.object().put("transfer", xet ? "xet" : "basic");
    ArrayNode list = out.putArray("objects");
    ObjectNode xetUpload = null;
    for (LfsBatch.ObjectResult r : result.objects()) {
      ObjectNode o = list.addObject().put("oid", r.oid()).put("size", r.size());
      if (r.errorCode() != 0) {
        o.putObject("error").put("code", r.errorCode()).put("message", r.errorMessage());
      } else if (r.action() != null && xet) {
        if (xetUpload == null) {
          xetUpload = xetUpload(ex, type, id, body.path("ref").path("name").asText("main"));
        }
        o.put("authenticated", true).putObject("actions").set("upload", xetUpload);
      } else if (r.action() != null) {
        o.put("authenticated", true);
        ObjectNode actions = o.putObject("actions");
        ObjectNode action = actions.putObject(r.action())
            .put("href", absolute(ex, r.href()))
            .put("expires_in", r.expiresIn());
        if (!r.headers().isEmpty()) {
          ObjectNode header = action.putObject("header");
          r.headers().forEach(header::put);
        }
        if (r.verifyHref() != null) {
          actions.putObject("verify").put("href", ex.baseUrl() + r.verifyHref())
              .put("expires_in", r.expiresIn());
        }
        if (r.isMultipart()) {
          // Only chunk_size and the part numbers, in order: the git-lfs agent takes the values as the part list.
          ObjectNode header = action.putObject("header").put("chunk_size", Long.toString(r.partSize()));
          for (int i = 0; i < r.partHrefs().size(); i++) {
            header.put(String.format("%05d", i + 1), absolute(ex, r.partHrefs().get(i)));
          }
        }
      }
    }
    ex.lfsJson(200, out);
  }

  /**
   * How to send objects through Xet: a write token for the branch in {@code X-Xet-*} headers (the
   * exact names git-xet looks up), and the {@code xet-write-token} URL that refreshes it.
   */
  private ObjectNode xetUpload(Exchange ex, RepoType type, RepoId id, String ref) throws IOException {
    String revision = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
    XetTokens.Issued token = xetTokens.issue(ex.caller(), type, id, revision, true);
    ObjectNode upload = Json.object().put("href", ex.baseUrl() + "/api/" + type.plural() + "/" + id
        + "/xet-write-token/" + revision);
    upload.putObject("header")
        .put("X-Xet-Cas-Url", XetHandler.casUrl(ex))
        .put("X-Xet-Access-Token", token.token())
        .put("X-Xet-Token-Expiration", Long.toString(token.expires()))
        .put("X-Xet-Session-Id", java.util.UUID.randomUUID().toString());
    return upload;
  }

  /**
   * {@code POST /api/lfs/verify/{repo}/{oid}?size=&exp=&sig=}: a direct upload is checked and
   * published. git-lfs posts {@code {"oid", "size"}}; the signed URL already names both.
   */
  void verify(Exchange ex, String repoId, String oid) throws IOException {
    uploads.verifyDirect(repoId, oid, longQuery(ex, "size"), longQuery(ex, "exp"), ex.query("sig"));
    ex.lfsJson(200, Json.object());
  }

  /** {@code PUT /api/lfs/upload/{repo}/{oid}?size=&exp=&sig=}: bytes in, verified, linked. No Authorization needed. */
  void upload(Exchange ex, String repoId, String oid) throws IOException {
    try (InputStream body = ex.body()) {
      uploads.receive(repoId, oid, longQuery(ex, "size"), longQuery(ex, "exp"), ex.query("sig"), body);
    }
    ex.json(Json.object());
  }

  /** {@code PUT /api/lfs/upload/{repo}/{oid}/part/{n}?size=&chunk=&exp=&sig=}: one part; answers its ETag. */
  void uploadPart(Exchange ex, String repoId, String oid, String number) throws IOException {
    int n;
    try {
      n = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      throw HubException.badRequest("Invalid part number: " + number);
    }
    String etag;
    try (InputStream body = ex.body()) {
      etag = uploads.receivePart(repoId, oid, longQuery(ex, "size"), longQuery(ex, "chunk"), n, longQuery(ex, "exp"),
          ex.query("sig"), body);
    }
    ex.header("ETag", '"' + etag + '"');
    ex.json(Json.object());
  }

  /**
   * {@code POST /api/lfs/upload/{repo}/{oid}/complete?...} with {@code {oid, parts: [{partNumber, etag}]}}
   * joins the parts; {@code GET} of the same URL lists the parts the hub holds, for resuming.
   */
  void completeParts(Exchange ex, String repoId, String oid) throws IOException {
    long size = longQuery(ex, "size");
    long chunk = longQuery(ex, "chunk");
    long exp = longQuery(ex, "exp");
    String direct = ex.query("upload");   // the object store's upload id: the parts went there
    if (ex.method().equals("GET")) {
      ObjectNode out = Json.object();
      ArrayNode parts = out.putArray("parts");
      if (direct != null) {
        for (LfsBatch.Part p : uploads.storedDirectParts(repoId, oid, size, chunk, direct, exp, ex.query("sig"))) {
          parts.addObject().put("partNumber", p.partNumber()).put("etag", p.etag());   // as the store quotes it
        }
      } else {
        for (LfsBatch.Part p : uploads.storedParts(repoId, oid, size, chunk, exp, ex.query("sig"))) {
          parts.addObject().put("partNumber", p.partNumber()).put("etag", '"' + p.etag() + '"');
        }
      }
      ex.json(out);
      return;
    }
    JsonNode body = ex.readJson();
    List<LfsBatch.Part> parts = new ArrayList<>();
    for (JsonNode p : body.path("parts")) {
      parts.add(new LfsBatch.Part(p.path("partNumber").asInt(-1), p.path("etag").asText("")));
    }
    if (direct != null) {
      uploads.completeDirectParts(repoId, oid, size, chunk, direct, exp, ex.query("sig"), RepoHandler.text(body, "oid"),
          parts);
    } else {
      uploads.completeParts(repoId, oid, size, chunk, exp, ex.query("sig"), RepoHandler.text(body, "oid"), parts);
    }
    ex.lfsJson(200, Json.object().put("oid", oid).put("size", size));
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

  /** Hub paths made absolute; the object store's URLs as they are. */
  private static String absolute(Exchange ex, String href) {
    return href.startsWith("/") ? ex.baseUrl() + href : href;
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

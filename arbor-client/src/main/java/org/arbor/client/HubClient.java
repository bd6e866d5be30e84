package org.arbor.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.arbor.core.RepoId;

/**
 * A client of the public Hub API: works against Arbor or any compatible hub. Network failures
 * and server errors (5xx, 429) are retried with backoff; everything else becomes a
 * {@link ClientException} with the hub's own error message.
 */
public final class HubClient {
  private static final ObjectMapper JSON = HubHttp.JSON;

  private final String endpoint;
  private final HubHttp http;

  public HubClient(String endpoint, String token) {
    this(endpoint, token, Duration.ofMillis(500));
  }

  HubClient(String endpoint, String token, Duration firstBackoff) {
    this.endpoint = endpoint.replaceAll("/+$", "");
    this.http = new HubHttp(this.endpoint, token, firstBackoff);
  }

  public String endpoint() {
    return endpoint;
  }

  /** Caps the bytes per second of this client's uploads and downloads together (null: no cap). */
  public HubClient limitRate(RateLimit limit) {
    http.limitRate(limit);
    return this;
  }

  /** Bytes put on the wire by uploads so far, broken attempts included. */
  public long bytesSent() {
    return http.bytesSent();
  }

  /** Who the token belongs to: {@code {name, type, orgs: [{name}]}}. */
  public JsonNode whoami() {
    return http.json(http.send(http.call("GET", "/api/whoami-v2"), "check the token"));
  }

  /** Creates a repository; returns its URL. */
  public String createRepo(String type, RepoId id, boolean isPrivate) {
    ObjectNode body = JSON.createObjectNode().put("name", id.name()).put("organization", id.namespace())
        .put("type", type).put("private", isPrivate);
    return http.json(http.send(http.call("POST", "/api/repos/create").json(body), "create " + id)).path("url").asText();
  }

  public void deleteRepo(String type, RepoId id) {
    ObjectNode body = JSON.createObjectNode().put("name", id.name()).put("organization", id.namespace())
        .put("type", type);
    http.done(http.send(http.call("DELETE", "/api/repos/delete").json(body), "delete " + id));
  }

  /** Repositories of a type, by author and/or search text, following pages up to {@code limit}. */
  public List<JsonNode> listRepos(String type, String author, String search, int limit) {
    return listRepos(type, author, search, List.of(), null, limit);
  }

  /**
   * A search as {@code GET /api/models} takes it: text, author, {@code filter}s (tags and
   * {@code license:}, {@code language:}, … prefixes), a sort key, following pages up to {@code limit}.
   */
  public List<JsonNode> listRepos(String type, String author, String search, List<String> filters, String sort,
      int limit) {
    StringBuilder path = new StringBuilder("/api/" + type + "s?limit=" + Math.min(limit, 1000));
    if (author != null) {
      path.append("&author=").append(encode(author));
    }
    if (search != null) {
      path.append("&search=").append(encode(search));
    }
    for (String filter : filters) {
      path.append("&filter=").append(encode(filter));
    }
    if (sort != null) {
      path.append("&sort=").append(encode(sort));
    }
    List<JsonNode> out = new ArrayList<>();
    String url = path.toString();
    while (url != null && out.size() < limit) {
      HubHttp.Answer page = http.send(http.call("GET", url), "list " + type + "s");
      String next = HubHttp.nextLink(page).orElse(null);
      http.json(page).forEach(out::add);
      url = next;
    }
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** Changes visibility and/or gating ({@code false}, {@code auto}, {@code manual}); nulls stay. */
  public void updateSettings(String type, RepoId id, Boolean isPrivate, String gated) {
    ObjectNode body = JSON.createObjectNode();
    if (isPrivate != null) {
      body.put("private", isPrivate);
    }
    if (gated != null) {
      if (gated.equals("false")) {
        body.put("gated", false);
      } else {
        body.put("gated", gated);
      }
    }
    http.done(http.send(http.call("PUT", repoPath(type, id) + "/settings").json(body),
        "change the settings of " + id));
  }

  public void createBranch(String type, RepoId id, String branch, String from) {
    ObjectNode body = JSON.createObjectNode();
    if (from != null) {
      body.put("startingPoint", from);
    }
    http.done(http.send(http.call("POST", repoPath(type, id) + "/branch/" + encode(branch)).json(body),
        "create branch " + branch));
  }

  public void deleteBranch(String type, RepoId id, String branch) {
    http.done(http.send(http.call("DELETE", repoPath(type, id) + "/branch/" + encode(branch)),
        "delete branch " + branch));
  }

  public void createTag(String type, RepoId id, String tag, String revision, String message) {
    ObjectNode body = JSON.createObjectNode().put("tag", tag);
    if (message != null) {
      body.put("message", message);
    }
    http.done(http.send(http.call("POST", repoPath(type, id) + "/tag/" + encode(revision == null ? "main" : revision))
        .json(body), "create tag " + tag));
  }

  public void deleteTag(String type, RepoId id, String tag) {
    http.done(http.send(http.call("DELETE", repoPath(type, id) + "/tag/" + encode(tag)), "delete tag " + tag));
  }

  /** The files of a revision with their sizes and LFS SHA-256s, and the commit it resolved to. */
  public Snapshot snapshot(String type, RepoId id, String revision) {
    JsonNode info = http.json(http.send(http.call("GET",
        repoPath(type, id) + "/revision/" + encode(revision) + "?blobs=true"), "read " + id + "@" + revision));
    List<RemoteFile> files = new ArrayList<>();
    for (JsonNode s : info.path("siblings")) {
      JsonNode lfs = s.path("lfs");
      files.add(new RemoteFile(s.path("rfilename").asText(), s.path("size").asLong(-1), s.path("blobId").asText(null),
          lfs.isObject() ? lfs.path("sha256").asText(null) : null));
    }
    return new Snapshot(type, id.toString(), info.path("sha").asText(), files);
  }

  /**
   * Will this model run in {@code memory} (e.g. {@code 16GiB})? The hub's estimate per weight
   * variant (weights, KV cache at {@code context} tokens or the model's maximum, overhead).
   */
  public JsonNode fit(RepoId id, String memory, String revision, Long context) {
    String query = "?memory=" + encode(memory) + "&revision=" + encode(revision)
        + (context != null ? "&context=" + context : "");
    return http.json(http.send(http.call("GET", repoPath("model", id) + "/fit" + query),
        "estimate whether " + id + " fits"));
  }

  /** The URL a file of a commit downloads from. */
  public URI fileUrl(String type, RepoId id, String commit, String path) {
    StringBuilder url = new StringBuilder(endpoint).append('/').append(type.equals("model") ? "" : type + "s/")
        .append(id).append("/resolve/").append(commit);
    for (String segment : path.split("/")) {
      url.append('/').append(encode(segment));
    }
    return URI.create(url.toString());
  }

  /** Which of these files ({@code path, size, sample}) go to LFS: path → "lfs" or "regular". */
  public Map<String, String> preupload(String type, RepoId id, String revision, List<JsonNode> files) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("files").addAll(files);
    JsonNode answer = http.json(http.send(http.call("POST", repoPath(type, id) + "/preupload/" + encode(revision))
        .json(body), "prepare the upload to " + id));
    Map<String, String> modes = new HashMap<>();
    for (JsonNode f : answer.path("files")) {
      modes.put(f.path("path").asText(), f.path("uploadMode").asText("regular"));
    }
    return modes;
  }

  /**
   * Asks the LFS batch API where to upload these objects ({@code oid, size}), offering the basic
   * and multipart transfers; objects the hub already has come back without an action and need no
   * upload. Returns oid → actions.
   */
  public Map<String, JsonNode> lfsUploadActions(String type, RepoId id, List<JsonNode> objects) {
    ObjectNode body = JSON.createObjectNode().put("operation", "upload");
    body.putArray("transfers").add("basic").add("multipart");
    body.put("hash_algo", "sha256");
    body.putArray("objects").addAll(objects);
    String path = "/" + (type.equals("model") ? "" : type + "s/") + id + ".git/info/lfs/objects/batch";
    JsonNode answer = http.json(http.send(http.call("POST", path).header("Accept", "application/vnd.git-lfs+json")
        .body("application/vnd.git-lfs+json", body.toString()), "ask where to upload to " + id));
    Map<String, JsonNode> actions = new HashMap<>();
    for (JsonNode o : answer.path("objects")) {
      if (o.has("error")) {
        throw new ClientException(ClientException.Kind.REFUSED, "The hub refused object " + o.path("oid").asText()
            + ": " + o.path("error").path("message").asText());
      }
      if (o.path("actions").has("upload")) {
        actions.put(o.path("oid").asText(), o.path("actions"));
      }
    }
    return actions;
  }

  /**
   * PUTs {@code length} bytes of {@code file} from {@code offset} (a whole object, or one part of
   * it) to a signed URL, with {@code headers}; returns the answer's ETag, or null.
   */
  public String put(URI url, Map<String, String> headers, Path file, long offset, long length,
      TransferListener listener, String what) {
    return http.put(url, headers, file, offset, length, listener, what);
  }

  /**
   * The parts of a multipart upload the hub already holds (part number → ETag), read from its
   * completion URL; empty when the hub does not say (only Arbor lists them).
   */
  public Map<Integer, String> storedParts(URI completion) {
    Map<Integer, String> parts = new TreeMap<>();
    try {
      JsonNode answer = http.json(http.send(http.call("GET", completion.toString()).anonymous(),
          "list the parts already uploaded"));
      for (JsonNode p : answer.path("parts")) {
        if (p.path("partNumber").canConvertToInt() && p.path("etag").isTextual()) {
          parts.put(p.path("partNumber").asInt(), p.path("etag").asText());
        }
      }
    } catch (ClientException e) {
      if (e.kind() == ClientException.Kind.NETWORK) {
        throw e;
      }
    }
    return parts;
  }

  /** Completes a multipart upload: names every part with its ETag; the hub joins and verifies them. */
  public void completeParts(URI completion, String oid, SortedMap<Integer, String> etags, String what) {
    ObjectNode body = JSON.createObjectNode().put("oid", oid);
    ArrayNode parts = body.putArray("parts");
    etags.forEach((n, etag) -> parts.addObject().put("partNumber", n).put("etag", etag));
    http.done(http.send(http.call("POST", completion.toString()).anonymous().timeout(Duration.ofMinutes(30))
        .header("Accept", "application/vnd.git-lfs+json").body("application/vnd.git-lfs+json", body.toString()),
        "complete the upload of " + what));
  }

  /** Calls an LFS {@code verify} action, if the hub gave one (with the action's headers, not the token). */
  public void verify(JsonNode actions, String oid, long size, String what) {
    JsonNode verify = actions.path("verify");
    if (verify.has("href")) {
      HubHttp.Request v = http.call("POST", verify.path("href").asText()).anonymous()
          .body("application/vnd.git-lfs+json", JSON.createObjectNode().put("oid", oid).put("size", size).toString());
      verify.path("header").fields().forEachRemaining(h -> v.header(h.getKey(), h.getValue().asText()));
      http.done(http.send(v, "verify " + what));
    }
  }

  /** One commit of NDJSON lines (the header first); returns the new commit id. */
  public String commit(String type, RepoId id, String revision, List<JsonNode> lines) {
    StringBuilder ndjson = new StringBuilder();
    for (JsonNode line : lines) {
      ndjson.append(line).append('\n');
    }
    JsonNode answer = http.json(http.send(http.call("POST", repoPath(type, id) + "/commit/" + encode(revision))
        .timeout(Duration.ofMinutes(10)).body("application/x-ndjson", ndjson.toString()), "commit to " + id));
    return answer.path("commitOid").asText();
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /**
   * Takes a download's bytes as they arrive, in buffers it hands out: {@code begin} hears the
   * status (206 when ranged) first, then each buffer from {@code buffer} comes back filled.
   */
  public interface Sink {
    void begin(int status) throws IOException;

    /** A buffer for the next bytes. */
    byte[] buffer() throws IOException;

    /** The first {@code length} bytes of a buffer from {@link #buffer}; 0 at the end, the buffer unused. */
    void accept(byte[] buffer, int length) throws IOException;
  }

  /**
   * Streams {@code url} from byte {@code offset} on into {@code sink}. Connection failures before
   * the first byte are retried; a transfer that breaks off midway is a NETWORK failure, to be resumed.
   */
  public void download(URI url, long offset, Sink sink) {
    http.download(url, offset, -1, sink);
  }

  /** The same for bytes {@code offset} to {@code last} (inclusive) only. */
  public void download(URI url, long offset, long last, Sink sink) {
    http.download(url, offset, last, sink);
  }

  private static String repoPath(String type, RepoId id) {
    return "/api/" + type + "s/" + id;
  }

  static String encode(String s) {
    return HubHttp.encode(s);
  }
}

package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.NewFile;
import org.arbor.service.RepoInfo;
import org.arbor.service.RepoFiles;
import org.arbor.service.Repos;
import org.arbor.service.Search;
import org.arbor.service.Sibling;
import org.arbor.service.Weights;

/** Repository info, listing, creation, deletion, renaming and settings. */
final class RepoHandler {
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;

  private final Repos repos;
  private final RepoFiles files;
  private final Search search;
  private final StorageHandler storage;
  private final boolean xetEnabled;

  /** {@code xetEnabled}: what {@code xetEnabled} says (clients 0.30-0.35 use Xet only when it is true). */
  RepoHandler(Repos repos, RepoFiles files, Search search, StorageHandler storage, boolean xetEnabled) {
    this.repos = repos;
    this.files = files;
    this.search = search;
    this.storage = storage;
    this.xetEnabled = xetEnabled;
  }

  /** {@code GET /api/T/ns/name[/revision/rev]}, with {@code expand} and {@code blobs}. */
  void info(Exchange ex, RepoType type, RepoId id, String revision) throws IOException {
    boolean blobs = ex.flag("blobs", false);
    RepoInfo info = repos.info(ex.caller(), type, id, Optional.ofNullable(revision), blobs);
    ObjectNode body = describe(info, ex.baseUrl());
    List<String> expand = ex.queryAll("expand");
    if (expand.contains("usedStorage")) {   // costs queries, so only when asked for
      body.put("usedStorage", storage.usedStorage(ex, type, id));
    }
    ArrayNode siblings = body.putArray("siblings");
    for (Sibling s : info.siblings()) {
      ObjectNode sibling = siblings.addObject().put("rfilename", s.rfilename());
      if (blobs) {
        sibling.put("size", s.size()).put("blobId", s.blobId().hex());
        s.lfs().ifPresent(lfs -> sibling.putObject("lfs")
            .put("sha256", lfs.oid().hex()).put("size", lfs.size()).put("pointerSize", lfs.pointerSize()));
      }
    }
    if (ex.flag("securityStatus", false)) {
      RepoFiles.SecuritySummary security = files.securityStatus(ex.caller(), type, id, info.sha().hex());
      ObjectNode status = body.putObject("securityRepoStatus").put("scansDone", security.scansDone());
      ArrayNode issues = status.putArray("filesWithIssues");
      security.filesWithIssues().forEach(f -> issues.addObject().put("path", f[0]).put("level", f[1]));
    }
    ex.json(onlyExpanded(body, expand));
  }

  /** {@code GET /api/T?search=&author=&filter=&sort=&limit=}, paginated with {@code Link}. */
  void list(Exchange ex, RepoType type) throws IOException {
    int limit = ex.intQuery("limit", DEFAULT_PAGE, MAX_PAGE);
    if (limit == 0) {
      limit = DEFAULT_PAGE;
    }
    Search.Listing page = search.list(ex.caller(), type, query(ex), ex.query("cursor"), limit);
    ArrayNode out = Json.array();
    boolean withCard = ex.flag("full", false) || ex.flag("cardData", false);
    for (RepoInfo info : page.items()) {
      ObjectNode item = describe(info, ex.baseUrl());
      if (!withCard) {
        item.remove("cardData");
      }
      out.add(onlyExpanded(item, ex.queryAll("expand")));
    }
    if (page.nextCursor() != null) {
      ex.header(HfHeaders.LINK, ex.nextLink(page.nextCursor()));
    }
    ex.header(HfHeaders.X_TOTAL_COUNT, Long.toString(page.total()));
    ex.json(out);
  }

  /**
   * {@code GET /api/facets/T?search=&author=&filter=…}: for each facet (pipeline_tag, library,
   * license, language, size, format) its most frequent values among the matches the caller may
   * see, as {@code {"license": [{"value": "mit", "count": 12}, …], …}}.
   */
  void facets(Exchange ex, RepoType type) throws IOException {
    ObjectNode out = Json.object();
    search.facets(ex.caller(), type, query(ex)).forEach((dim, values) -> {
      ArrayNode list = out.putArray(dim);
      values.forEach(v -> list.addObject().put("value", v.value()).put("count", v.count()));
    });
    ex.json(out);
  }

  /**
   * The filters of a listing as the clients send them ({@code search} may repeat: the first one
   * counts; huggingface_hub's {@code gated=true|false} becomes a filter).
   */
  private static Search.Query query(Exchange ex) {
    List<String> text = ex.queryAll("search");
    List<String> filters = new ArrayList<>(ex.queryAll("filter"));
    String gated = ex.query("gated");
    if (gated != null && !gated.isBlank()) {
      filters.add("gated:" + (Exchange.truthy(gated) ? "true" : "false"));
    }
    return new Search.Query(text.isEmpty() ? null : text.get(0), ex.query("author"), ex.query("pipeline_tag"),
        filters, ex.query("sort"));
  }

  /** {@code POST /api/repos/create}: {@code {name, organization, type, visibility|private, license, files}}. */
  void create(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    RepoType type = RepoType.fromSingular(text(body, "type"));
    RepoId id = idFrom(ex, body);
    boolean isPrivate = body.path("private").asBoolean(false);
    String visibility = text(body, "visibility");
    if (visibility != null) {
      if (!visibility.equals("public") && !visibility.equals("private")) {
        throw HubException.badRequest("visibility must be public or private");
      }
      isPrivate = visibility.equals("private");
    }
    List<NewFile> files = new ArrayList<>();
    for (JsonNode file : body.path("files")) {
      String path = text(file, "path");
      String content = text(file, "content");
      if (path == null || content == null) {
        throw HubException.badRequest("Each entry of files needs a path and a base64 content");
      }
      files.add(new NewFile(path, base64(content, path)));
    }
    RepoInfo info;
    try {
      info = repos.create(ex.caller(), type, id, isPrivate, text(body, "license"), files);
    } catch (HubException e) {
      // huggingface_hub's exist_ok reads the existing repo's url from the 409.
      throw e.code() == org.arbor.core.ErrorCode.CONFLICT ? e.withDetail("url", ex.baseUrl() + "/" + type.urlPrefix() + id) : e;
    }
    ex.json(Json.object()
        .put("url", ex.baseUrl() + "/" + type.urlPrefix() + info.id())
        .put("name", info.id().toString())
        .put("id", info.internalId()));
  }

  /** {@code DELETE /api/repos/delete} with a JSON body {@code {name, organization, type}}. */
  void delete(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    repos.delete(ex.caller(), RepoType.fromSingular(text(body, "type")), idFrom(ex, body));
    ex.json(Json.object());
  }

  /** {@code POST /api/repos/move} with {@code {fromRepo, toRepo, type}}. */
  void move(Exchange ex) throws IOException {
    JsonNode body = ex.readJson();
    RepoType type = RepoType.fromSingular(text(body, "type"));
    repos.move(ex.caller(), type, RepoId.parse(text(body, "fromRepo")), RepoId.parse(text(body, "toRepo")));
    ex.json(Json.object());
  }

  /** {@code PUT /api/T/ns/name/settings} with {@code {private?, visibility?, gated?}}. */
  void settings(Exchange ex, RepoType type, RepoId id) throws IOException {
    JsonNode body = ex.readJson();
    Boolean isPrivate = body.has("private") && !body.get("private").isNull() ? body.get("private").asBoolean() : null;
    String visibility = text(body, "visibility");
    if (visibility != null) {
      if (!visibility.equals("public") && !visibility.equals("private")) {
        throw HubException.badRequest("visibility must be public or private");
      }
      isPrivate = visibility.equals("private");
    }
    String gated = null;
    JsonNode g = body.get("gated");
    if (g != null && !g.isNull()) {
      gated = g.isBoolean() ? Boolean.toString(g.asBoolean()) : g.asText();
      if (gated.equals("true")) {
        throw HubException.badRequest("gated must be false, \"auto\" or \"manual\"");
      }
    }
    repos.updateSettings(ex.caller(), type, id, isPrivate, gated, text(body, "scanPolicy"));
    ex.json(Json.object());
  }

  /** The fields the Hub shows for a repository, in its key names. */
  private ObjectNode describe(RepoInfo info, String baseUrl) {
    ObjectNode o = Json.object()
        .put("_id", info.internalId())
        .put("id", info.id().toString());
    if (info.type() == RepoType.MODEL) {
      o.put("modelId", info.id().toString());
    }
    o.put("author", info.id().namespace());
    if (info.sha() != null) {
      o.put("sha", info.sha().hex());
    }
    o.put("lastModified", Json.date(info.lastModified()))
        .put("createdAt", Json.date(info.createdAt()))
        .put("private", info.isPrivate())
        .put("disabled", false)
        .put("downloads", info.downloads())
        .put("downloadsAllTime", info.downloadsAllTime())
        .put("likes", info.likes())
        .put("trendingScore", info.trendingScore())
        .put("xetEnabled", xetEnabled);
    if (info.gated().equals("false")) {
      o.put("gated", false);
    } else {
      o.put("gated", info.gated());
    }
    ArrayNode tags = o.putArray("tags");
    info.tags().forEach(tags::add);
    if (info.pipelineTag() != null) {
      o.put("pipeline_tag", info.pipelineTag());
    }
    if (info.libraryName() != null) {
      o.put("library_name", info.libraryName());
    }
    o.set("cardData", Json.MAPPER.valueToTree(info.cardData()));
    if (info.weights() != null) {
      Weights.WeightsInfo w = info.weights();
      if (w.safetensors() != null) {
        ObjectNode st = o.putObject("safetensors");
        st.set("parameters", Json.MAPPER.valueToTree(w.safetensors().parameters()));
        st.put("total", w.safetensors().total());
      }
      if (w.gguf() != null) {
        ObjectNode gguf = o.putObject("gguf").put("total", w.gguf().total());
        putIfPresent(gguf, "architecture", w.gguf().architecture());
        if (w.gguf().contextLength() != null) {
          gguf.put("context_length", w.gguf().contextLength());
        }
        putIfPresent(gguf, "chat_template", w.gguf().chatTemplate());
        putIfPresent(gguf, "bos_token", w.gguf().bosToken());
        putIfPresent(gguf, "eos_token", w.gguf().eosToken());
      }
      if (w.config() != null) {
        o.set("config", Json.MAPPER.valueToTree(w.config()));
      }
      if (w.transformersInfo() != null) {
        ObjectNode t = o.putObject("transformersInfo").put("auto_model", w.transformersInfo().autoModel());
        putIfPresent(t, "pipeline_tag", w.transformersInfo().pipelineTag());
        putIfPresent(t, "processor", w.transformersInfo().processor());
      }
    }
    return o;
  }

  private static void putIfPresent(ObjectNode node, String key, String value) {
    if (value != null) {
      node.put(key, value);
    }
  }

  /** With {@code expand}, the Hub returns only the named keys plus {@code _id} and {@code id}; unknown names are ignored. */
  private static ObjectNode onlyExpanded(ObjectNode body, List<String> expand) {
    if (expand.isEmpty()) {
      return body;
    }
    Set<String> keep = new HashSet<>(expand);
    keep.add("_id");
    keep.add("id");
    List<String> drop = new ArrayList<>();
    body.fieldNames().forEachRemaining(name -> {
      if (!keep.contains(name)) {
        drop.add(name);
      }
    });
    body.remove(drop);
    return body;
  }

  /** The repo a create/delete body names: {@code organization} (or the caller) and {@code name}. */
  private static RepoId idFrom(Exchange ex, JsonNode body) {
    String name = text(body, "name");
    if (name == null) {
      throw HubException.badRequest("Missing name");
    }
    if (name.contains("/")) {
      return RepoId.parse(name);
    }
    String namespace = text(body, "organization");
    if (namespace == null) {
      if (ex.caller().isAnonymous()) {
        throw HubException.unauthorized("You must be authenticated to do this");
      }
      namespace = ex.caller().name();
    }
    return new RepoId(namespace, name);
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  static byte[] base64(String content, String path) {
    try {
      return Base64.getMimeDecoder().decode(content);
    } catch (IllegalArgumentException e) {
      throw HubException.badRequest("Content of " + path + " is not valid base64");
    }
  }
}

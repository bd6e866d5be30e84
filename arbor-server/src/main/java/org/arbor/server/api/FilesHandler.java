package org.arbor.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.CommitSummary;
import org.arbor.service.FileEntry;
import org.arbor.service.Page;
import org.arbor.service.RefList;
import org.arbor.service.RepoFiles;
import org.arbor.service.XetCas;

/** Tree listings, paths-info, refs and commit history. */
final class FilesHandler {
  private static final int TREE_PAGE = 1000;
  private static final int TREE_PAGE_EXPANDED = 100;
  private static final int COMMITS_PAGE = 50;
  private static final int MAX_PAGE = 1000;

  private final RepoFiles files;
  private final XetCas xet;

  /** {@code xet}: null while the instance has Xet off (entries then carry no {@code xetHash}). */
  FilesHandler(RepoFiles files, XetCas xet) {
    this.files = files;
    this.xet = xet;
  }

  /** {@code GET /api/T/ns/name/tree/{rev}[/{path}]?recursive=&expand=}, paginated with {@code Link}. */
  void tree(Exchange ex, RepoType type, RepoId id, int from) throws IOException {
    if (ex.segments() <= from) {
      throw HubException.badRequest("Missing revision in URL");
    }
    RevisionPath target = RevisionPath.split(ex, files, type, id, from);
    boolean expand = ex.flag("expand", false);
    int limit = ex.intQuery("limit", expand ? TREE_PAGE_EXPANDED : TREE_PAGE, MAX_PAGE);
    int offset = ex.cursor();
    Page<FileEntry> page = files.tree(ex.caller(), type, id, target.revision(), target.path(),
        ex.flag("recursive", false), expand, offset, limit == 0 ? TREE_PAGE : limit);
    ArrayNode out = entries(page.items());
    if (page.hasMore()) {
      ex.header(HfHeaders.LINK, ex.nextLink(offset + page.items().size()));
    }
    ex.json(out);
  }

  /** {@code POST /api/T/ns/name/paths-info/{rev}}: JSON (JS) or form-encoded (Python) {@code paths} and {@code expand}. */
  void pathsInfo(Exchange ex, RepoType type, RepoId id, String revision) throws IOException {
    List<String> paths = new ArrayList<>();
    boolean expand;
    if (ex.hasJsonBody()) {
      JsonNode body = ex.readJson();
      JsonNode list = body.path("paths");
      if (list.isTextual()) {
        paths.add(list.asText());
      }
      list.forEach(p -> paths.add(p.asText()));
      expand = body.path("expand").asBoolean(false) || Exchange.truthy(body.path("expand").asText("false"));
    } else {
      Map<String, List<String>> form = ex.readForm();
      paths.addAll(form.getOrDefault("paths", List.of()));
      paths.addAll(form.getOrDefault("paths[]", List.of()));
      List<String> e = form.getOrDefault("expand", List.of());
      expand = !e.isEmpty() && Exchange.truthy(e.get(0));
    }
    ex.json(entries(files.pathsInfo(ex.caller(), type, id, revision, paths, expand)));
  }

  /** {@code GET /api/T/ns/name/refs[?include_prs=1]}. */
  void refs(Exchange ex, RepoType type, RepoId id) throws IOException {
    RefList refs = files.refs(ex.caller(), type, id, ex.flag("include_prs", false));
    ObjectNode out = Json.object();
    out.set("branches", refs(refs.branches()));
    out.set("converts", refs(refs.converts()));
    out.set("tags", refs(refs.tags()));
    if (refs.pullRequests() != null) {
      out.set("pullRequests", refs(refs.pullRequests()));
    }
    ex.json(out);
  }

  /** {@code GET /api/T/ns/name/commits/{rev}?limit=}, newest first, with {@code X-Total-Count}. */
  void commits(Exchange ex, RepoType type, RepoId id, String revision) throws IOException {
    int limit = ex.intQuery("limit", COMMITS_PAGE, MAX_PAGE);
    int offset = ex.cursor();
    Page<CommitSummary> page = files.commits(ex.caller(), type, id, revision, offset, limit == 0 ? COMMITS_PAGE : limit);
    boolean formatted = ex.queryAll("expand").contains("formatted");
    ArrayNode out = Json.array();
    for (CommitSummary c : page.items()) {
      ObjectNode commit = out.addObject()
          .put("id", c.id().hex())
          .put("title", c.title())
          .put("message", c.message())
          .put("date", Json.date(c.date()));
      commit.putArray("authors").addObject().put("user", c.author());
      if (formatted) {
        commit.putObject("formatted").put("title", escapeHtml(c.title())).put("message", escapeHtml(c.message()));
      }
    }
    ex.header(HfHeaders.X_TOTAL_COUNT, Integer.toString(page.total()));
    if (page.hasMore()) {
      ex.header(HfHeaders.LINK, ex.nextLink(offset + page.items().size()));
    }
    ex.json(out);
  }

  /**
   * Entries as the clients read them; an LFS file with a Xet representation also carries its
   * {@code xetHash} (huggingface_hub's snapshot_download then fetches it through Xet without a HEAD).
   */
  private ArrayNode entries(List<FileEntry> items) {
    Map<String, String> xetHashes = xet == null ? Map.of() : xet.fileHashesFor(items.stream()
        .flatMap(e -> e.lfs().stream()).map(lfs -> lfs.oid().hex()).distinct().toList());
    ArrayNode out = Json.array();
    for (FileEntry e : items) {
      ObjectNode o = entry(e);
      e.lfs().map(lfs -> xetHashes.get(lfs.oid().hex())).ifPresent(hash -> o.put("xetHash", hash));
      out.add(o);
    }
    return out;
  }

  /** A tree entry: {@code oid} is the git object id; {@code lfs} (oid, size, pointerSize) for LFS files. */
  static ObjectNode entry(FileEntry e) {
    ObjectNode o = Json.object()
        .put("type", e.directory() ? "directory" : "file")
        .put("oid", e.oid().hex())
        .put("size", e.directory() ? 0 : e.size())
        .put("path", e.path());
    e.lfs().ifPresent(lfs -> o.putObject("lfs")
        .put("oid", lfs.oid().hex()).put("size", lfs.size()).put("pointerSize", lfs.pointerSize()));
    e.lastCommit().ifPresent(c -> o.putObject("lastCommit")
        .put("id", c.id().hex()).put("title", c.title()).put("date", Json.date(c.date())));
    e.security().ifPresent(s -> {
      // The Hub's shape (huggingface_hub reads status, avScan and pickleImportScan); Arbor runs no antivirus.
      ObjectNode security = o.putObject("securityFileStatus").put("status", s.status());
      security.putObject("avScan").put("status", "unscanned").put("message", "no antivirus scanner is configured");
      ObjectNode pickle = security.putObject("pickleImportScan").put("status", s.status())
          .put("message", s.message()).put("version", org.arbor.service.Scans.VERSION);
      ArrayNode imports = pickle.putArray("pickleImports");
      s.pickleImports().forEach(i -> imports.addObject().put("module", i[0]).put("name", i[1]).put("safety", i[2]));
    });
    return o;
  }

  private static ArrayNode refs(List<RefList.Entry> entries) {
    ArrayNode out = Json.array();
    for (RefList.Entry e : entries) {
      out.addObject().put("name", e.name()).put("ref", e.ref()).put("targetCommit", e.targetCommit().hex());
    }
    return out;
  }

  private static String escapeHtml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

package org.arbor.server.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.service.Caller;
import org.arbor.service.CommitSummary;
import org.arbor.service.FileEntry;
import org.arbor.service.History;
import org.arbor.service.Licences;
import org.arbor.service.Likes;
import org.arbor.service.Lineage;
import org.arbor.service.Orgs;
import org.arbor.service.Page;
import org.arbor.service.RepoFiles;
import org.arbor.service.RepoInfo;
import org.arbor.service.Repos;
import org.arbor.service.ResolvedFile;
import org.arbor.service.Search;
import org.arbor.service.Sessions;
import org.arbor.service.Weights;
import org.arbor.server.web.CardHtml;
import org.arbor.server.web.Frame;
import org.arbor.server.web.RepoView;
import org.arbor.server.web.SearchView;
import org.arbor.server.web.Templates;

/**
 * The browsing pages, at the Hub's URLs: home, search, a repository's card, files, a file,
 * history and a commit. They read as the signed-in user (the session cookie), or anonymously;
 * every string reaches the page through an escaping template, card HTML through the sanitiser.
 */
final class PagesHandler {
  private static final int PAGE = 100;
  private static final int MAX_TEXT_BYTES = 1024 * 1024;
  private static final int MAX_LINES = 20_000;

  private final WebHandler web;
  private final Repos repos;
  private final RepoFiles files;
  private final Search search;
  private final Lineage lineage;
  private final History history;
  private final Weights weights;
  private final Orgs orgs;
  private final Likes likes;
  private final Clock clock;

  PagesHandler(WebHandler web, Repos repos, RepoFiles files, Search search, Lineage lineage, History history,
      Weights weights, Orgs orgs, Likes likes, Clock clock) {
    this.likes = likes;
    this.weights = weights;
    this.orgs = orgs;
    this.web = web;
    this.repos = repos;
    this.files = files;
    this.search = search;
    this.lineage = lineage;
    this.history = history;
    this.clock = clock;
  }

  /** Work a page does; its HubExceptions become an error page. */
  @FunctionalInterface
  interface PageWork {
    void run(Caller caller, Frame frame) throws IOException;
  }

  void home(Exchange ex) throws IOException {
    page(ex, "Arbor", "", null, (caller, frame) -> {
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("trendingModels", top(caller, RepoType.MODEL, "trendingScore"));
      p.put("recentModels", top(caller, RepoType.MODEL, "lastModified"));
      p.put("trendingDatasets", top(caller, RepoType.DATASET, "trendingScore"));
      p.put("recentDatasets", top(caller, RepoType.DATASET, "lastModified"));
      p.put("now", clock.instant());
      send(ex, 200, Templates.render("home.jte", p));
    });
  }

  void search(Exchange ex, RepoType type) throws IOException {
    String text = ex.query("search");
    page(ex, type == RepoType.DATASET ? "Datasets" : "Models", text, type.plural(), (caller, frame) -> {
      List<String> filters = ex.queryAll("filter");
      Search.Query query = new Search.Query(text, ex.query("author"), ex.query("pipeline_tag"), filters,
          blankToNull(ex.query("sort")));
      Search.Listing listing = search.list(caller, type, query, blankToNull(ex.query("cursor")), 30);
      SearchView view = new SearchView("/" + type.plural(), text, filters, blankToNull(ex.query("sort")),
          listing.items(), listing.total(), search.facets(caller, type, query), listing.nextCursor());
      send(ex, 200, Templates.render("search.jte", Map.of("frame", frame, "view", view,
          "heading", type == RepoType.DATASET ? "Datasets" : "Models", "now", clock.instant())));
    });
  }

  void repo(Exchange ex, RepoType type, RepoId id) throws IOException {
    page(ex, id.toString(), "", type.plural(), (caller, frame) -> {
      RepoInfo info = repos.info(caller, type, id, Optional.empty(), true);
      String card = info.sha() == null ? "" : cardHtml(caller, info);
      String licence = licence(info);
      RepoView view = new RepoView(info, card, licence, Licences.of(licence),
          files.securityStatus(caller, type, id, info.sha().hex()),
          type == RepoType.MODEL ? lineage.tree(caller, type, id) : null, ex.baseUrl());
      String memory = blankToNull(ex.query("memory"));
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("view", view);
      p.put("memory", memory == null ? "" : memory);
      p.put("liked", !caller.isAnonymous() && likes.likedBy(caller, caller.name()).stream()
          .anyMatch(l -> l.repoId().equals(info.id().toString()) && l.type().equals(type.singular())));
      p.put("fit", memory == null || type != RepoType.MODEL ? null
          : weights.fit(caller, type, id, info.sha().hex(), gigabytes(memory), null));
      send(ex, 200, Templates.render("repo.jte", p));
    });
  }

  void tree(Exchange ex, RepoType type, RepoId id, int from) throws IOException {
    page(ex, id.toString(), "", type.plural(), (caller, frame) -> {
      Location at = locate(ex, caller, type, id, from);
      int offset = Math.max(0, ex.intQuery("offset", 0, Integer.MAX_VALUE));
      Page<FileEntry> page = files.tree(caller, type, id, at.revision, at.path, false, true, offset, PAGE);
      List<FileEntry> entries = new ArrayList<>(page.items());
      entries.sort((a, b) -> a.directory() != b.directory() ? (a.directory() ? -1 : 1) : a.path().compareTo(b.path()));
      RepoInfo info = repos.info(caller, type, id, Optional.of(at.revision), false);
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("info", info);
      p.put("revision", at.revision);
      p.put("folder", at.path);
      p.put("entries", entries);
      p.put("nextUrl", page.hasMore() ? "?offset=" + (offset + PAGE) : null);
      send(ex, 200, Templates.render("tree.jte", p));
    });
  }

  void blob(Exchange ex, RepoType type, RepoId id, int from) throws IOException {
    page(ex, id.toString(), "", type.plural(), (caller, frame) -> {
      Location at = locate(ex, caller, type, id, from);
      RepoPath path = RepoPath.of(at.path);
      RepoInfo info = repos.info(caller, type, id, Optional.of(at.revision), false);
      Optional<FileEntry> entry = files.pathsInfo(caller, type, id, at.revision, List.of(at.path), true).stream()
          .findFirst();
      if (entry.isEmpty() || entry.get().directory()) {
        throw HubException.entryNotFound("No file " + at.path + " at " + at.revision);
      }
      ResolvedFile file = files.resolve(caller, type, id, at.revision, path, false);
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("info", info);
      p.put("revision", at.revision);
      p.put("path", at.path);
      p.put("size", file.size());
      p.put("lfs", file.isLfs());
      p.put("sha256", file.isLfs() ? file.etag() : null);
      p.put("image", isImage(at.path));
      p.put("lines", file.inline().map(PagesHandler::lines).orElse(null));
      p.put("security", entry.get().security().map(FileEntry.Security::status).orElse(null));
      p.put("weights", isWeights(at.path) ? weights.file(caller, type, id, at.revision, path) : null);
      send(ex, 200, Templates.render("blob.jte", p));
    });
  }

  void commits(Exchange ex, RepoType type, RepoId id, int from) throws IOException {
    page(ex, id.toString(), "", type.plural(), (caller, frame) -> {
      Location at = locate(ex, caller, type, id, from);
      int offset = Math.max(0, ex.intQuery("offset", 0, Integer.MAX_VALUE));
      Page<CommitSummary> page = files.commits(caller, type, id, at.revision, offset, 50);
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("info", repos.info(caller, type, id, Optional.of(at.revision), false));
      p.put("revision", at.revision);
      p.put("commits", page.items());
      p.put("total", page.total());
      p.put("nextUrl", page.hasMore() ? "?offset=" + (offset + 50) : null);
      p.put("now", clock.instant());
      send(ex, 200, Templates.render("commits.jte", p));
    });
  }

  void commit(Exchange ex, RepoType type, RepoId id, String sha) throws IOException {
    page(ex, id.toString(), "", type.plural(), (caller, frame) -> {
      History.CommitDetail detail = history.commit(caller, type, id, sha);
      RepoInfo info = repos.info(caller, type, id, Optional.of(detail.commit().id().hex()), false);
      send(ex, 200, Templates.render("commit.jte", Map.of("frame", frame, "info", info, "detail", detail)));
    });
  }

  /** The card of a revision as HTML: rendered once per commit, since a commit's README never changes. */
  private String cardHtml(Caller caller, RepoInfo info) throws IOException {
    String key = info.internalId() + "@" + info.sha().hex();
    String html = RENDERED_CARDS.get(key);
    if (html == null) {
      html = CardHtml.render(repos.cardBody(caller, info.type(), info.id(), info.sha()).orElse(""));
      if (html.length() <= 1024 * 1024) {
        RENDERED_CARDS.put(key, html);
      }
    }
    return html;
  }

  /** Recently rendered cards (at most 64 of up to 1 M characters), least recently used out. */
  private static final Map<String, String> RENDERED_CARDS = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > 64;
        }
      });

  /** A user's or an organisation's page: their repositories the caller may see, and an org's members. */
  void namespace(Exchange ex, String name) throws IOException {
    page(ex, name, "", null, (caller, frame) -> {
      Orgs.Namespace ns = orgs.namespace(name).orElseThrow(() -> HubException.entryNotFound("No user or organisation "
          + name));
      Map<String, Object> p = new HashMap<>();
      p.put("frame", frame);
      p.put("namespace", ns);
      p.put("models", byAuthor(caller, RepoType.MODEL, ns.name()));
      p.put("datasets", byAuthor(caller, RepoType.DATASET, ns.name()));
      List<Orgs.Member> members = null;
      if (ns.organisation()) {
        try {
          members = orgs.members(caller, ns.name());
        } catch (HubException notAMember) {
          members = null;   // members are listed to members only
        }
      }
      p.put("members", members);
      p.put("now", clock.instant());
      send(ex, 200, Templates.render("namespace.jte", p));
    });
  }

  private List<RepoInfo> byAuthor(Caller caller, RepoType type, String author) throws IOException {
    return search.list(caller, type, new Search.Query(null, author, null, List.of(), "lastModified"), null, 30)
        .items();
  }

  /** A memory size in GB as typed ({@code 16}, {@code 7.5}), in bytes. */
  private static long gigabytes(String text) {
    try {
      double gb = Double.parseDouble(text.trim().replace(',', '.'));
      if (!(gb > 0 && gb < 1e6)) {
        throw new NumberFormatException();
      }
      return (long) (gb * 1e9);
    } catch (NumberFormatException e) {
      throw HubException.badRequest("Memory must be a number of gigabytes, such as 16");
    }
  }

  private static boolean isWeights(String path) {
    String p = path.toLowerCase(java.util.Locale.ROOT);
    return p.endsWith(".safetensors") || p.endsWith(".gguf") || p.endsWith(".onnx") || p.endsWith(".npy");
  }

  /** Runs a page as the session's user, rendering its errors as pages with the right status. */
  private void page(Exchange ex, String title, String searchText, String section, PageWork work) throws IOException {
    Optional<Sessions.Current> session = web.session(ex);
    Caller caller = session.map(Sessions.Current::caller).orElse(Caller.ANONYMOUS);
    String user = session.map(s -> s.caller().name()).orElse(null);
    String csrf = session.map(Sessions.Current::csrf).orElse(null);
    try {
      work.run(caller, new Frame(title, user, csrf, searchText == null ? "" : searchText, section));
    } catch (HubException e) {
      int status = e.code().httpStatus();
      send(ex, status, Templates.render("error.jte", Map.of("frame", new Frame("Error", user, csrf, "", section),
          "status", status, "message", e.getMessage())));
    }
  }

  private List<RepoInfo> top(Caller caller, RepoType type, String sort) throws IOException {
    return search.list(caller, type, new Search.Query(null, null, null, List.of(), sort), null, 8).items();
  }

  private record Location(String revision, String path) {}

  /** The revision (which may span segments, as {@code refs/pr/1}) and the path after it. */
  private Location locate(Exchange ex, Caller caller, RepoType type, RepoId id, int from) throws IOException {
    List<String> rest = ex.segmentsFrom(from);
    if (rest.isEmpty()) {
      return new Location(Repos.DEFAULT_BRANCH, "");
    }
    int n = files.revisionSegments(caller, type, id, rest);
    return new Location(String.join("/", rest.subList(0, n)), String.join("/", rest.subList(n, rest.size())));
  }

  private static String licence(RepoInfo info) {
    for (String tag : info.tags()) {
      if (tag.startsWith("license:")) {
        return tag.substring("license:".length());
      }
    }
    return null;
  }

  private static boolean isImage(String path) {
    String p = path.toLowerCase(java.util.Locale.ROOT);
    return p.endsWith(".png") || p.endsWith(".jpg") || p.endsWith(".jpeg") || p.endsWith(".gif")
        || p.endsWith(".webp");
  }

  /** The lines of a text file, or null when it is binary or too large to show. */
  private static List<String> lines(byte[] bytes) {
    if (bytes.length > MAX_TEXT_BYTES) {
      return null;
    }
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<String> lines = List.of(text.split("\n", -1));
    if (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines = lines.subList(0, lines.size() - 1);
    }
    return lines.size() > MAX_LINES ? null : lines;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static void send(Exchange ex, int status, String html) throws IOException {
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    ex.response.setStatus(status);
    ex.response.setContentType("text/html; charset=utf-8");
    ex.response.setHeader("Content-Security-Policy",
        "default-src 'self'; img-src 'self' https: data:; style-src 'unsafe-inline'; script-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    ex.response.setHeader("X-Content-Type-Options", "nosniff");
    ex.response.setContentLength(bytes.length);
    ex.response.getOutputStream().write(bytes);
  }
}

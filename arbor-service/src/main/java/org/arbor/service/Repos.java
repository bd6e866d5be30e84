package org.arbor.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.storage.db.Ids;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.CommitSpec;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.GitRepos;
import org.arbor.storage.git.RefConflictException;
import org.arbor.storage.git.TreeChange;
import org.arbor.storage.git.TreeConflictException;

/** Creating, describing, listing, renaming and deleting repositories. */
public final class Repos {
  public static final String DEFAULT_BRANCH = "main";
  static final String GITATTRIBUTES = ".gitattributes";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final RepoRows rows;
  private final GitRepos git;
  private final Access access;
  private final RepoHeads heads;
  private final Weights weights;
  private final Analysis analysis;
  private final AuditLog audit;
  private final RepoEvents events;
  private final Clock clock;

  public Repos(RepoRows rows, GitRepos git, Access access, Weights weights, Analysis analysis, AuditLog audit,
      RepoEvents events, Clock clock) {
    this.events = events;
    this.rows = rows;
    this.git = git;
    this.access = access;
    this.heads = new RepoHeads(rows, events);
    this.weights = weights;
    this.analysis = analysis;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Creates a repository with a first commit on {@code main} holding the standard
   * {@code .gitattributes} (clients commit to {@code main} right after creating), a README when a
   * licence is given, and any {@code files}.
   */
  public RepoInfo create(Caller caller, RepoType type, RepoId id, boolean isPrivate, String license,
      List<NewFile> files) throws IOException {
    Access.checkSupported(type);
    access.checkCanCreateIn(caller, id.namespace());
    if (rows.find(type.singular(), id.namespace(), id.name()).isPresent()) {
      throw HubException.conflict("You already created this " + type.singular() + " repo: " + id);
    }
    Map<String, byte[]> initial = new LinkedHashMap<>();
    initial.put(GITATTRIBUTES, defaultGitattributes());
    if (license != null && !license.isBlank()) {
      if (!license.matches("[A-Za-z0-9.+-]{1,64}")) {
        throw HubException.badRequest("Invalid license id: " + license);
      }
      initial.put(RepoHeads.README, ("---\nlicense: " + license + "\n---\n").getBytes(StandardCharsets.UTF_8));
    }
    for (NewFile file : files) {
      initial.put(RepoPath.of(file.path()).value(), file.content());
    }

    // Write order: git storage first, then the row that makes the repository visible.
    String key = Ids.newId();
    GitRepo repo = git.create(key, DEFAULT_BRANCH);
    try {
      List<TreeChange> changes = new ArrayList<>();
      try (var writer = repo.newBlobWriter()) {
        for (Map.Entry<String, byte[]> e : initial.entrySet()) {
          changes.add(new TreeChange.Put(e.getKey(), writer.insert(e.getValue())));
        }
        writer.flush();
      }
      repo.commit(new CommitSpec(GitRepo.HEADS + DEFAULT_BRANCH, Optional.empty(), true, changes,
          authorName(caller), authorEmail(caller), "initial commit", clock.instant()));
    } catch (RefConflictException | TreeConflictException | RuntimeException e) {
      git.delete(key);
      if (e instanceof HubException hub) {
        throw hub;
      }
      if (e instanceof TreeConflictException conflict) {
        throw HubException.badRequest(conflict.getMessage());
      }
      throw new IOException("could not write the first commit of " + id, e);
    }
    RepoRow row = rows.insert(key, type.singular(), id.namespace(), id.name(), isPrivate, clock.instant())
        .orElse(null);
    if (row == null) {
      git.delete(key); // lost a race with a creation of the same name
      throw HubException.conflict("You already created this " + type.singular() + " repo: " + id);
    }
    Repo created = new Repo(row, type, id, git.open(key));
    audit.record(caller, "repo.created", type.singular() + ":" + id, isPrivate ? "private" : "public");
    heads.refreshAfterWrite(created);
    created.git().resolve(DEFAULT_BRANCH).ifPresent(head -> analysis.enqueue(row.id(), head));
    return info(caller, type, id, Optional.empty(), false);
  }

  public void delete(Caller caller, RepoType type, RepoId id) throws IOException {
    Repo repo = access.administrable(caller, type, id);
    rows.delete(repo.row().id());         // invisible from here on
    git.delete(repo.row().storageKey());  // then the bytes go
    events.removed(repo.row().id());
    audit.record(caller, "repo.deleted", type.singular() + ":" + repo.id(), null);
  }

  /** Throws unless the caller may change the repository's settings (its owner, an org admin, a site admin). */
  public void checkAdministrable(Caller caller, RepoType type, RepoId id) throws IOException {
    access.administrable(caller, type, id);
  }

  /** Renames a repository, possibly into another namespace the caller may create in. */
  public void move(Caller caller, RepoType type, RepoId from, RepoId to) throws IOException {
    Repo repo = access.administrable(caller, type, from);
    access.checkCanCreateIn(caller, to.namespace());
    if (!rows.rename(repo.row().id(), type.singular(), to.namespace(), to.name())) {
      throw HubException.conflict("You already have a " + type.singular() + " repo named " + to);
    }
    audit.record(caller, "repo.moved", type.singular() + ":" + repo.id(), "to " + to);
    events.changed(repo.row().id());
  }

  /** Changes visibility and gating. Either may be null (unchanged). */
  public void updateSettings(Caller caller, RepoType type, RepoId id, Boolean isPrivate, String gated,
      String scanPolicy) throws IOException {
    Repo repo = access.administrable(caller, type, id);
    if (gated != null) {
      if (!gated.equals("false") && !gated.equals("auto") && !gated.equals("manual")) {
        throw HubException.badRequest("gated must be false, \"auto\" or \"manual\"");
      }
      if (!gated.equals(repo.row().gated())) {
        rows.updateGated(repo.row().id(), gated);
        audit.record(caller, "repo.gating", type.singular() + ":" + repo.id(), gated);
      }
    }
    if (isPrivate != null && isPrivate != repo.row().isPrivate()) {
      rows.updateVisibility(repo.row().id(), isPrivate);
      audit.record(caller, "repo.visibility", type.singular() + ":" + repo.id(), isPrivate ? "private" : "public");
    }
    if (scanPolicy != null) {
      rows.updateScanPolicy(repo.row().id(),
          scanPolicy.equals("inherit") ? null : ScanPolicy.parse(scanPolicy).name().toLowerCase(java.util.Locale.ROOT));
      audit.record(caller, "repo.scan_policy", type.singular() + ":" + repo.id(), scanPolicy);
    }
    events.changed(repo.row().id());
  }

  /** Repository info at a revision (the default branch when empty), optionally with file sizes. */
  public RepoInfo info(Caller caller, RepoType type, RepoId id, Optional<String> revision, boolean withBlobs)
      throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitRepo g = repo.git();
    String rev = revision.orElse(g.defaultBranch());
    GitHash commit = g.resolve(rev).orElseThrow(() -> HubException.revisionNotFound(rev));
    List<Sibling> siblings = new ArrayList<>();
    List<GitEntry> files = g.files(commit);
    for (GitEntry file : files) {
      Optional<LfsInfo> lfs = file.lfs().map(p -> new LfsInfo(p.oid(), p.size(), file.size()));
      siblings.add(new Sibling(file.path(), lfs.map(LfsInfo::size).orElse(file.size()), file.oid(), lfs));
    }
    CardMetadata card = RepoHeads.card(g, commit);
    RepoRow row = repo.row();
    Weights.WeightsInfo weightsInfo = weights.forRevision(g, files, card.pipelineTag());
    return new RepoInfo(row.id(), repo.id(), type, commit, g.commit(commit).date(), row.createdAt(),
        row.isPrivate(), row.gated(), row.downloads(), row.downloadsAllTime(), row.likes(), row.trendingScore(),
        card.tags(), card.pipelineTag(),
        card.libraryName(), card.cardData(), withBlobs ? siblings : stripSizes(siblings), weightsInfo);
  }

  /**
   * The prose of the README at a revision (front matter removed; the whole text if the front
   * matter does not parse), or empty when there is no README. Cut at {@value RepoHeads#MAX_README_BYTES} bytes.
   */
  public Optional<String> cardBody(Caller caller, RepoType type, RepoId id, GitHash commit) throws IOException {
    return RepoHeads.prose(access.readable(caller, type, id).git(), commit, RepoHeads.MAX_README_BYTES);
  }


  /** What a listing shows of a repository: its row alone, no git. */
  static RepoInfo listed(RepoRow row) {
    return new RepoInfo(row.id(), new RepoId(row.namespace(), row.name()), RepoType.fromSingular(row.type()),
        row.headSha() == null ? null : new GitHash(row.headSha()), row.lastModified(), row.createdAt(),
        row.isPrivate(), row.gated(), row.downloads(), row.downloadsAllTime(), row.likes(), row.trendingScore(),
        row.tags(), row.pipelineTag(), row.libraryName(), parseCard(row.cardData()), List.of(), null);
  }

  private static List<Sibling> stripSizes(List<Sibling> siblings) {
    return siblings.stream().map(s -> new Sibling(s.rfilename(), -1, null, Optional.empty())).toList();
  }

  static Map<String, Object> parseCard(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (IOException e) {
      return Map.of();
    }
  }

  static byte[] defaultGitattributes() {
    try (InputStream in = Repos.class.getResourceAsStream("default.gitattributes")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String authorName(Caller caller) {
    return caller.isAnonymous() ? "arbor" : caller.name();
  }

  static String authorEmail(Caller caller) {
    return (caller.isAnonymous() ? "arbor" : caller.name()) + "@users.noreply.arbor";
  }
}

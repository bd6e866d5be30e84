package org.arbor.service;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.LfsPointer;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.git.GitCommit;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRef;
import org.arbor.storage.git.GitRepo;

/**
 * Answers "what is at this path, at this revision?" and the history questions around it: file
 * content for downloads, tree listings, paths-info, refs and commits. Knows git and LFS, not HTTP.
 */
public final class RepoFiles {
  /** Regular (non-LFS) files are served from memory; git pushes larger than this are refused. */
  static final int MAX_GIT_FILE_BYTES = 64 * 1024 * 1024;
  /** How long a direct (presigned) download URL given to a client stays valid. */
  static final java.time.Duration DIRECT_URL_TTL = java.time.Duration.ofHours(1);

  private final Access access;
  private final BlobStore blobs;
  private final Scans scans;
  private final ScanPolicy policy;
  private final Gating gating;

  public RepoFiles(Access access, BlobStore blobs, Scans scans, ScanPolicy policy, Gating gating) {
    this.access = access;
    this.blobs = blobs;
    this.scans = scans;
    this.policy = policy;
    this.gating = gating;
  }

  /**
   * How many of the leading {@code segments} (already percent-decoded) of a URL such as
   * {@code /resolve/refs/pr/1/config.json} name the revision: the longest prefix that is an
   * existing ref, else one.
   */
  public int revisionSegments(Caller caller, RepoType type, RepoId id, List<String> segments) throws IOException {
    Repo repo = access.readable(caller, type, id);
    for (int n = segments.size(); n > 1; n--) {
      if (repo.git().isRef(String.join("/", segments.subList(0, n)))) {
        return n;
      }
    }
    return 1;
  }

  /** The file at {@code path}, ready to be served; EntryNotFound (with the commit) if there is none. */
  public ResolvedFile resolve(Caller caller, RepoType type, RepoId id, String revision, RepoPath path, boolean raw)
      throws IOException {
    Repo repo = access.readable(caller, type, id);
    gating.checkContent(caller, repo);
    GitHash commit = commitAt(repo, revision);
    GitEntry entry = repo.git().entry(commit, path.value())
        .filter(e -> !e.isDirectory())
        .orElseThrow(() -> HubException.entryNotFound("Entry not found", commit));
    if (!raw && policy.blocks(repo.row())) {
      Scans.Result scan = scans.scan(repo.git(), entry); // scanned now if the worker has not yet
      if (scan.blocksUnderPolicy()) {
        throw ScanPolicy.blocked(path.value(), scan);
      }
    }
    if (entry.lfs().isPresent() && !raw) {
      LfsPointer pointer = entry.lfs().get();
      if (blobs.stat(pointer.oid()).isEmpty()) {
        throw HubException.entryNotFound(
            "The LFS object of " + path + " (" + pointer.oid() + ") is missing from storage", commit);
      }
      return ResolvedFile.lfs(commit, path, pointer, () -> openLfs(pointer),
          () -> blobs.directUrl(pointer.oid(), DIRECT_URL_TTL));
    }
    if (entry.size() > MAX_GIT_FILE_BYTES) {
      throw HubException.badRequest("File " + path + " is too large to be served from git");
    }
    byte[] content = repo.git().readBlob(entry.oid(), MAX_GIT_FILE_BYTES);
    return ResolvedFile.git(commit, path, entry.oid(), content);
  }

  /** One page of a folder listing ({@code path} empty for the root). */
  public Page<FileEntry> tree(Caller caller, RepoType type, RepoId id, String revision, String path,
      boolean recursive, boolean expand, int offset, int limit) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash commit = commitAt(repo, revision);
    if (!path.isEmpty()) {
      RepoPath.of(path);
      Optional<GitEntry> folder = repo.git().entry(commit, path);
      if (folder.isEmpty() || !folder.get().isDirectory()) {
        throw HubException.entryNotFound("Entry not found: no folder " + path + " at " + revision, commit);
      }
    }
    List<GitEntry> all = repo.git().list(commit, path, recursive);
    Page<GitEntry> page = Page.slice(all, offset, limit);
    List<FileEntry> entries = new ArrayList<>();
    for (GitEntry e : page.items()) {
      entries.add(toEntry(repo.git(), commit, e, expand));
    }
    return new Page<>(entries, page.hasMore(), page.total());
  }

  /** Entries for those of {@code paths} that exist; missing ones are left out, never an error. */
  public List<FileEntry> pathsInfo(Caller caller, RepoType type, RepoId id, String revision, List<String> paths,
      boolean expand) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash commit = commitAt(repo, revision);
    List<FileEntry> out = new ArrayList<>();
    for (String raw : new LinkedHashSet<>(paths)) {
      String path = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
      if (path.isEmpty()) {
        continue;
      }
      RepoPath.of(path);
      Optional<GitEntry> entry = repo.git().entry(commit, path);
      if (entry.isPresent()) {
        out.add(toEntry(repo.git(), commit, entry.get(), expand));
      }
    }
    return out;
  }

  public RefList refs(Caller caller, RepoType type, RepoId id, boolean includePullRequests) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitRepo git = repo.git();
    return new RefList(
        entries(git.refs(GitRepo.HEADS)),
        entries(git.refs(GitRepo.TAGS)),
        entries(git.refs("refs/convert/")),
        includePullRequests ? entries(git.refs(GitRepo.PULLS)) : null);
  }

  /** One page of the history of {@code revision}, newest first, with the total count. */
  public Page<CommitSummary> commits(Caller caller, RepoType type, RepoId id, String revision, int offset,
      int limit) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash commit = commitAt(repo, revision);
    List<CommitSummary> items = repo.git().log(commit, offset, limit).stream().map(RepoFiles::summary).toList();
    int total = repo.git().countCommits(commit);
    return new Page<>(items, offset + items.size() < total, total);
  }

  static GitHash commitAt(Repo repo, String revision) throws IOException {
    return repo.git().resolve(revision).orElseThrow(() -> HubException.revisionNotFound(revision));
  }

  static CommitSummary summary(GitCommit c) {
    return new CommitSummary(c.id(), c.title(), c.message(), c.authorName(), c.date());
  }

  private SeekableByteChannel openLfs(LfsPointer pointer) throws IOException {
    try {
      return blobs.open(pointer.oid());
    } catch (NoSuchFileException e) {
      throw HubException.entryNotFound("The LFS object " + pointer.oid() + " is missing from storage");
    }
  }

  private FileEntry toEntry(GitRepo git, GitHash commit, GitEntry e, boolean expand) throws IOException {
    Optional<LfsInfo> lfs = e.lfs().map(p -> new LfsInfo(p.oid(), p.size(), e.size()));
    Optional<CommitSummary> last = expand
        ? git.lastCommitTouching(commit, e.path()).map(RepoFiles::summary)
        : Optional.empty();
    Optional<FileEntry.Security> security = Optional.empty();
    if (expand && !e.isDirectory()) {
      security = Optional.of(scans.result(git, e)
          .map(r -> new FileEntry.Security(r.verdict(), Scans.imports(r), summary(r)))
          .orElse(new FileEntry.Security("queued", List.of(), "waiting to be scanned")));
    }
    return new FileEntry(e.isDirectory(), e.path(), e.oid(), lfs.map(LfsInfo::size).orElse(e.size()), lfs, last,
        security);
  }

  /** The repository-level scan summary ({@code securityRepoStatus}): are all files scanned, which have issues. */
  public record SecuritySummary(boolean scansDone, List<String[]> filesWithIssues) {}

  public SecuritySummary securityStatus(Caller caller, RepoType type, RepoId id, String revision) throws IOException {
    Repo repo = access.readable(caller, type, id);
    GitHash commit = commitAt(repo, revision);
    String key = repo.row().storageKey() + "@" + commit.hex() + "@" + Scans.VERSION;
    SecuritySummary known = COMPLETE_SUMMARIES.get(key);
    if (known != null) {
      return known;
    }
    SecuritySummary summary = summarise(repo, commit);
    if (summary.scansDone()) {
      COMPLETE_SUMMARIES.put(key, summary);
    }
    return summary;
  }

  /**
   * Summaries of revisions whose every file has a verdict: a commit's files never change, and a
   * verdict changes only with the scanner's version (part of the key), so they are kept.
   */
  private static final Map<String, SecuritySummary> COMPLETE_SUMMARIES = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecuritySummary> eldest) {
          return size() > 4096;
        }
      });

  private SecuritySummary summarise(Repo repo, GitHash commit) throws IOException {
    boolean done = true;
    List<String[]> issues = new ArrayList<>();
    List<GitEntry> all = repo.git().files(commit);
    Map<String, String> verdicts = scans.verdicts(repo.git(), all);
    for (GitEntry file : all) {
      String verdict = verdicts.get(file.path());
      if (verdict == null) {
        done = false;
      } else if (!verdict.equals("safe")) {
        issues.add(new String[] {file.path(), verdict});
      }
    }
    return new SecuritySummary(done, issues);
  }

  private static String summary(Scans.Result result) {
    return result.findings().stream()
        .filter(f -> !f.severity().equals("info"))
        .map(Scans.Issue::message)
        .findFirst()
        .orElse("no unsafe serialization found");
  }

  private static List<RefList.Entry> entries(List<GitRef> refs) {
    return refs.stream().map(r -> new RefList.Entry(r.name(), r.ref(), r.target())).toList();
  }
}

package org.arbor.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.LfsPointer;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobInfo;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.LfsRows;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.db.XetRows;
import org.arbor.storage.git.BlobWriter;
import org.arbor.storage.git.CommitSpec;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRef;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.LfsAttributes;
import org.arbor.storage.git.RefConflictException;
import org.arbor.storage.git.TreeChange;
import org.arbor.storage.git.TreeConflictException;

/**
 * Writes commits from the API's NDJSON operations, moving branches by compare-and-swap: with a
 * {@code parentCommit} a moved branch is a 412; without one, a lost race is replayed on the new
 * head, so concurrent writers never lose a commit.
 */
public final class Commits {
  /** Regular files sent inline; larger ones must go through LFS (the Hub's limit). */
  public static final int MAX_REGULAR_FILE_BYTES = 10 * 1024 * 1024;
  private static final int MAX_ATTEMPTS = 64;

  private final Access access;
  private final BlobStore blobs;
  private final LfsRows lfs;
  private final RepoHeads heads;
  private final Analysis analysis;
  private final Scans scans;
  private final ScanPolicy policy;
  private final XetStore xet;
  private final Clock clock;
  private final DirectPublisher publisher;

  public Commits(Access access, BlobStore blobs, LfsRows lfs, RepoRows rows, Analysis analysis, Scans scans,
      ScanPolicy policy, RepoEvents events, XetStore xet, Clock clock) {
    this.xet = xet;
    this.access = access;
    this.blobs = blobs;
    this.lfs = lfs;
    this.heads = new RepoHeads(rows, events);
    this.analysis = analysis;
    this.scans = scans;
    this.policy = policy;
    this.clock = clock;
    this.publisher = new DirectPublisher(blobs, lfs, clock);
  }

  public CommitResult commit(Caller caller, RepoType type, RepoId id, String revision, boolean createPr,
      CommitHeader header, Iterator<CommitOperation> operations) throws IOException {
    Repo repo = createPr ? access.contributable(caller, type, id) : access.writable(caller, type, id);
    GitRepo git = repo.git();
    String ref = branchRef(git, revision);
    GitHash parentCommit = null;
    String requested = header.parentCommit();
    if (requested != null && !requested.isEmpty()) {
      parentCommit = GitHash.isFull(requested) ? git.resolve(requested).orElse(null) : null;
      if (parentCommit == null) {
        throw HubException.badRequest("parentCommit " + requested + " is not a commit of " + id);
      }
    }

    Staged staged = stage(repo, operations);
    String message = message(header, staged.changes().size());
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<GitHash> head = git.ref(ref);
      if (head.isEmpty()) {
        throw HubException.revisionNotFound(revision);
      }
      String target = ref;
      Optional<GitHash> parent = head;
      OptionalInt pr = OptionalInt.empty();
      if (createPr) {
        pr = OptionalInt.of(nextPullRequest(git));
        target = GitRepo.PULLS + pr.getAsInt();
        parent = parentCommit != null ? Optional.of(parentCommit) : head;
      } else if (parentCommit != null && !parentCommit.equals(head.get())) {
        throw precondition();
      }
      List<TreeChange> changes = withLfsAttributes(git, parent.get(), staged);
      try {
        GitHash commit = git.commit(new CommitSpec(target, parent, createPr, changes,
            Repos.authorName(caller), Repos.authorEmail(caller), message, clock.instant()));
        if (target.equals(GitRepo.HEADS + git.defaultBranch())) {
          heads.refreshAfterWrite(repo);
        }
        analysis.enqueue(repo.row().id(), commit);
        return new CommitResult(type, repo.id(), commit, pr);
      } catch (RefConflictException lost) {
        if (parentCommit != null && !createPr) {
          throw precondition();
        }
        if (!backOff(attempt)) {
          break;
        }
        // then replay on the new head
      } catch (TreeConflictException e) {
        throw e.isMissing() ? HubException.entryNotFound(e.getMessage()) : HubException.badRequest(e.getMessage());
      }
    }
    throw HubException.conflict("The branch kept moving; could not commit after " + MAX_ATTEMPTS + " attempts");
  }

  /**
   * Waits a random while before replaying a commit that lost the race for the branch, longer
   * after each loss (up to 50 ms): a lost race can mean another writer still holds the ref's
   * lock file, and replaying at once would spend every attempt in the microseconds it takes
   * that writer to finish. False if interrupted.
   */
  private static boolean backOff(int attempt) {
    long ceiling = Math.min(50, 1L << Math.min(attempt, 6));
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(ceiling + 1));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---- branches and tags ----------------------------------------------------------------------

  public void createBranch(Caller caller, RepoType type, RepoId id, String branch, String startingPoint,
      boolean empty, boolean overwrite) throws IOException {
    Repo repo = access.writable(caller, type, id);
    GitRepo git = repo.git();
    String ref = checkBranchName(branch);
    if (!overwrite && git.ref(ref).isPresent()) {
      throw HubException.conflict("Reference already exists: " + ref);
    }
    GitHash target;
    if (empty) {
      target = git.emptyCommit(Repos.authorName(caller), Repos.authorEmail(caller), "initial commit", clock.instant());
    } else {
      String from = startingPoint == null || startingPoint.isEmpty() ? git.defaultBranch() : startingPoint;
      target = git.resolve(from).orElseThrow(() -> HubException.revisionNotFound(from));
    }
    try {
      git.createRef(ref, target, overwrite);
    } catch (RefConflictException e) {
      throw HubException.conflict("Reference already exists: " + ref);
    }
  }

  public void deleteBranch(Caller caller, RepoType type, RepoId id, String branch) throws IOException {
    Repo repo = access.writable(caller, type, id);
    String ref = checkBranchName(branch);
    if (ref.equals(GitRepo.HEADS + repo.git().defaultBranch())) {
      throw HubException.forbidden("Cannot delete the default branch " + repo.git().defaultBranch());
    }
    if (!repo.git().deleteRef(ref)) {
      throw HubException.revisionNotFound(branch);
    }
  }

  public void createTag(Caller caller, RepoType type, RepoId id, String revision, String tag, String message)
      throws IOException {
    Repo repo = access.writable(caller, type, id);
    GitRepo git = repo.git();
    if (tag == null || tag.isEmpty() || tag.startsWith("refs/") || !GitRepo.isValidRefName(GitRepo.TAGS + tag)) {
      throw HubException.badRequest("Invalid tag name: " + tag);
    }
    GitHash target = git.resolve(revision).orElseThrow(() -> HubException.revisionNotFound(revision));
    try {
      if (message == null || message.isEmpty()) {
        git.createRef(GitRepo.TAGS + tag, target, false);
      } else {
        git.createAnnotatedTag(tag, target, message, Repos.authorName(caller), Repos.authorEmail(caller),
            clock.instant());
      }
    } catch (RefConflictException e) {
      throw HubException.conflict("Tag " + tag + " already exists");
    }
  }

  public void deleteTag(Caller caller, RepoType type, RepoId id, String tag) throws IOException {
    Repo repo = access.writable(caller, type, id);
    if (tag == null || tag.isEmpty() || !repo.git().deleteRef(GitRepo.TAGS + tag)) {
      throw HubException.revisionNotFound(tag == null ? "" : tag);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The operations, validated, with their blobs written; nothing is visible yet. */
  private record Staged(List<TreeChange> changes, Set<String> lfsPaths, byte[] newGitattributes) {}

  private Staged stage(Repo repo, Iterator<CommitOperation> operations) throws IOException {
    List<TreeChange> changes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<String> lfsPaths = new HashSet<>();
    byte[] gitattributes = null;
    try (BlobWriter writer = repo.git().newBlobWriter()) {
      while (operations.hasNext()) {
        CommitOperation op = operations.next();
        String path = op instanceof CommitOperation.DeleteFolder && op.path().endsWith("/")
            ? op.path().substring(0, op.path().length() - 1)
            : op.path();
        RepoPath.of(path);
        if (!seen.add(path)) {
          throw HubException.badRequest("Path appears twice in one commit: " + path);
        }
        switch (op) {
          case CommitOperation.AddFile add -> {
            if (add.content().length > MAX_REGULAR_FILE_BYTES) {
              throw tooLarge(path);
            }
            if (path.equals(Repos.GITATTRIBUTES)) {
              gitattributes = add.content();
            }
            if (policy.blocks(repo.row())) {
              checkScan(path, scans.scan(Sha256.digest(add.content()).hex(),
                  new org.arbor.formats.io.ByteArraySource(add.content()), path));
            }
            changes.add(new TreeChange.Put(path, writer.insert(add.content())));
          }
          case CommitOperation.AddLfsFile add -> {
            LfsPointer pointer = linkedObject(repo, path, add);
            if (policy.blocks(repo.row())) {
              try (java.nio.channels.SeekableByteChannel channel = blobs.open(pointer.oid())) {
                checkScan(path, scans.scan(pointer.oid().hex(), new org.arbor.formats.io.ChannelByteSource(channel), path));
              }
            }
            changes.add(new TreeChange.Put(path, writer.insert(pointer.bytes())));
            lfsPaths.add(path);
          }
          case CommitOperation.DeleteFile delete -> changes.add(new TreeChange.DeleteFile(path));
          case CommitOperation.DeleteFolder delete -> changes.add(new TreeChange.DeleteFolder(path));
        }
      }
      writer.flush();
    }
    return new Staged(changes, lfsPaths, gitattributes);
  }

  private static void checkScan(String path, Scans.Result result) {
    if (result.blocksUnderPolicy()) {
      throw ScanPolicy.blocked(path, result);
    }
  }

  private LfsPointer linkedObject(Repo repo, String path, CommitOperation.AddLfsFile add) throws IOException {
    Sha256 oid;
    try {
      oid = new Sha256(add.oid() == null ? "" : add.oid());
    } catch (HubException e) {
      throw HubException.badRequest("Invalid LFS oid for " + path + ": expected 64 lower-case hex characters");
    }
    Optional<BlobInfo> stored = blobs.stat(oid);
    if (stored.isEmpty() || !lfs.isLinked(repo.row().id(), oid.hex())) {
      // Uploaded through Xet for this repository? Then it is an LFS object here too, read from its chunks.
      Optional<XetRows.File> file = xet.uploadedFor(repo.row().id(), oid);
      if (file.isPresent()) {
        lfs.link(repo.row().id(), oid.hex(), file.get().size(), clock.instant());
        stored = blobs.stat(oid);
      }
    }
    if ((stored.isEmpty() || !lfs.isLinked(repo.row().id(), oid.hex())) && add.size() >= 0) {
      // PUT straight into the object store by a client that calls no verify action (@huggingface/hub): published now.
      try {
        String repoId = repo.row().id();
        publisher.publish(repoId, oid, add.size(), () -> blobs.completeDirectUpload(repoId, oid, add.size()));
        stored = blobs.stat(oid);
      } catch (java.nio.file.NoSuchFileException e) {
        // nothing sent that way
      } catch (org.arbor.storage.blob.DigestMismatchException e) {
        throw HubException.badRequest("LFS object " + oid + " for " + path + " was uploaded with other content: "
            + e.getMessage() + "; upload it again");
      }
    }
    if (stored.isEmpty() || !lfs.isLinked(repo.row().id(), oid.hex())) {
      throw HubException.badRequest("LFS object " + oid + " for " + path + " was never uploaded to "
          + repo.id() + ": upload it through the LFS batch API before committing");
    }
    long size = stored.get().size();
    if (add.size() >= 0 && add.size() != size) {
      throw HubException.badRequest("LFS object " + oid + " has " + size + " bytes, not " + add.size());
    }
    return new LfsPointer(oid, size);
  }

  /**
   * Makes sure every LFS file of the commit matches a {@code filter=lfs} rule, appending one
   * per path where none does, as the Hub does; git clones then smudge them.
   */
  private static List<TreeChange> withLfsAttributes(GitRepo git, GitHash parent, Staged staged) throws IOException {
    if (staged.lfsPaths().isEmpty()) {
      return staged.changes();
    }
    String current;
    if (staged.newGitattributes() != null) {
      current = new String(staged.newGitattributes(), StandardCharsets.UTF_8);
    } else {
      Optional<GitEntry> entry = git.entry(parent, Repos.GITATTRIBUTES).filter(e -> !e.isDirectory());
      current = entry.isPresent()
          ? new String(git.readBlob(entry.get().oid(), MAX_REGULAR_FILE_BYTES), StandardCharsets.UTF_8)
          : "";
    }
    LfsAttributes attributes = LfsAttributes.parse(current);
    StringBuilder added = new StringBuilder();
    for (String path : staged.lfsPaths().stream().sorted().toList()) {
      if (!attributes.isLfs(path)) {
        added.append(escapePattern(path)).append(" filter=lfs diff=lfs merge=lfs -text\n");
      }
    }
    if (added.isEmpty()) {
      return staged.changes();
    }
    String updated = current.isEmpty() || current.endsWith("\n") ? current + added : current + "\n" + added;
    List<TreeChange> changes = new ArrayList<>();
    for (TreeChange change : staged.changes()) {
      if (!change.path().equals(Repos.GITATTRIBUTES)) {
        changes.add(change);
      }
    }
    try (BlobWriter writer = git.newBlobWriter()) {
      changes.add(new TreeChange.Put(Repos.GITATTRIBUTES, writer.insert(updated.getBytes(StandardCharsets.UTF_8))));
      writer.flush();
    }
    return changes;
  }

  /** A path as a gitattributes pattern matching exactly it: glob characters escaped, spaces as a class. */
  static String escapePattern(String path) {
    StringBuilder out = new StringBuilder();
    for (char c : path.toCharArray()) {
      switch (c) {
        case '*', '?', '[', ']', '\\', '!', '#' -> out.append('\\').append(c);
        case ' ' -> out.append("[[:space:]]");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** The full branch ref a commit to {@code revision} moves; only branches and pull requests take commits. */
  private static String branchRef(GitRepo git, String revision) throws IOException {
    if (revision.startsWith(GitRepo.PULLS)) {
      if (git.ref(revision).isEmpty()) {
        throw HubException.revisionNotFound(revision);
      }
      return revision;
    }
    String branch = revision.equals("HEAD") ? git.defaultBranch()
        : revision.startsWith(GitRepo.HEADS) ? revision.substring(GitRepo.HEADS.length()) : revision;
    String ref = GitRepo.HEADS + branch;
    if (!GitRepo.isValidRefName(ref) || git.ref(ref).isEmpty()) {
      if (git.resolve(revision).isPresent()) {
        throw HubException.badRequest("Cannot commit to " + revision + ": commits go to a branch");
      }
      throw HubException.revisionNotFound(revision);
    }
    return ref;
  }

  private static String checkBranchName(String branch) {
    if (branch == null || branch.isEmpty() || branch.startsWith("refs/") || branch.equals("HEAD")
        || !GitRepo.isValidRefName(GitRepo.HEADS + branch)) {
      throw HubException.badRequest("Invalid branch name: " + branch);
    }
    return GitRepo.HEADS + branch;
  }

  private static int nextPullRequest(GitRepo git) throws IOException {
    int max = 0;
    for (GitRef ref : git.refs(GitRepo.PULLS)) {
      try {
        max = Math.max(max, Integer.parseInt(ref.ref().substring(GitRepo.PULLS.length())));
      } catch (NumberFormatException ignored) {
        // not a numbered pull request
      }
    }
    return max + 1;
  }

  private static String message(CommitHeader header, int changes) {
    String summary = header.summary() == null || header.summary().isBlank()
        ? "Update " + changes + (changes == 1 ? " file" : " files")
        : header.summary().strip();
    String description = header.description() == null ? "" : header.description().strip();
    return description.isEmpty() ? summary + "\n" : summary + "\n\n" + description + "\n";
  }

  private static HubException precondition() {
    return new HubException(org.arbor.core.ErrorCode.PRECONDITION_FAILED,
        "A commit has happened since. Please refresh and try again.");
  }

  static HubException tooLarge(String path) {
    return new HubException(org.arbor.core.ErrorCode.CONTENT_TOO_LARGE, "File " + path
        + " is larger than " + MAX_REGULAR_FILE_BYTES / (1024 * 1024)
        + " MiB: regular files must be small, upload it with LFS (preupload tells the client which files go to LFS)");
  }
}

package org.arbor.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.arbor.core.ErrorCode;
import org.arbor.core.GitHash;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoPath;
import org.arbor.core.RepoType;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.blob.DigestMismatchException;
import org.arbor.storage.blob.DirectParts;
import org.arbor.storage.blob.DirectUpload;
import org.arbor.storage.blob.MissingPartsException;
import org.arbor.storage.blob.PartedUpload;
import org.arbor.storage.blob.StoredPart;
import org.arbor.storage.db.LfsRows;
import org.arbor.storage.db.RepoRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.IgnoreRules;
import org.arbor.storage.git.LfsAttributes;

/**
 * The upload half of the API before a commit: which files go to LFS (preupload), which LFS
 * objects the client must send (batch), and receiving them (signed PUT), plus signed downloads
 * for git-lfs. Bytes are verified as they stream in; an object becomes usable by a repository
 * only once it is stored whole and linked to it.
 *
 * <p>Clients that offer the Hub's {@code multipart} transfer send objects larger than one part in
 * parts: one signed URL per part, then a completion call naming each part's ETag. Parts are kept
 * by the blob store until joined, so a client that died halfway asks for URLs again and sends only
 * the parts the hub lacks (a {@code GET} of the completion URL lists them: an Arbor addition).
 */
public final class Uploads {
  /** Files from this size on go to LFS, whatever their content. */
  public static final long LFS_SIZE_THRESHOLD = 1_000_000;
  static final long URL_TTL_SECONDS = 3600;
  private static final java.time.Duration URL_TTL = java.time.Duration.ofSeconds(URL_TTL_SECONDS);
  /** The largest object git-lfs PUTs straight into the store: its verify must answer within 30 s. */
  static final long GIT_LFS_DIRECT_LIMIT = 1L << 30;
  private static final String VERIFY = "verify";
  /** Smallest part size a hub may be configured with. */
  public static final long MIN_PART_SIZE = 1L << 20;
  /** Objects are cut into at most this many parts; larger ones get larger parts. */
  static final int MAX_PARTS_OFFERED = 1000;
  private static final String UPLOAD = "upload";
  private static final String DOWNLOAD = "download";
  private static final String MULTIPART = "multipart";

  private final Access access;
  private final BlobStore blobs;
  private final LfsRows lfs;
  private final RepoRows rows;
  private final UrlSigner signer;
  private final Scans scans;
  private final ScanPolicy policy;
  private final Gating gating;
  private final Clock clock;
  private final long partSize;
  private final DirectPublisher publisher;

  /** {@code partSize}: objects larger than this go up in parts of (at least) this size, to clients that can. */
  public Uploads(Access access, BlobStore blobs, LfsRows lfs, RepoRows rows, Scans scans, ScanPolicy policy,
      Gating gating, byte[] signingKey, Clock clock, long partSize) {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("part size must be at least " + MIN_PART_SIZE + " bytes: " + partSize);
    }
    this.partSize = partSize;
    this.access = access;
    this.blobs = blobs;
    this.lfs = lfs;
    this.rows = rows;
    this.scans = scans;
    this.policy = policy;
    this.gating = gating;
    this.signer = new UrlSigner(signingKey, clock);
    this.clock = clock;
    this.publisher = new DirectPublisher(blobs, lfs, clock);
  }

  /**
   * Decides, per file, regular or LFS: LFS if a {@code filter=lfs} rule of the revision's
   * {@code .gitattributes} (or of the one being committed) matches, if the file is 1 MB or more,
   * or if its first bytes hold a NUL (binary). Empty files are always regular.
   */
  public List<Preupload.Decision> preupload(Caller caller, RepoType type, RepoId id, String revision,
      List<Preupload> files, String gitAttributes, String gitIgnore) throws IOException {
    Repo repo = access.contributable(caller, type, id);
    GitRepo git = repo.git();
    Optional<GitHash> commit = git.resolve(revision);
    if (commit.isEmpty()) {
      throw HubException.revisionNotFound(revision);
    }
    LfsAttributes attributes = LfsAttributes.parse(
        gitAttributes != null ? gitAttributes : readText(git, commit.get(), Repos.GITATTRIBUTES));
    IgnoreRules ignore = IgnoreRules.parse(gitIgnore != null ? gitIgnore : readText(git, commit.get(), ".gitignore"));
    List<Preupload.Decision> out = new ArrayList<>();
    for (Preupload file : files) {
      RepoPath path = RepoPath.of(file.path());
      boolean isLfs = file.size() > 0
          && (attributes.isLfs(path.value()) || file.size() >= LFS_SIZE_THRESHOLD || hasNul(file.sample()));
      Optional<GitEntry> existing = git.entry(commit.get(), path.value()).filter(e -> !e.isDirectory());
      String oid = existing.map(e -> e.lfs().map(p -> p.oid().hex()).orElse(e.oid().hex())).orElse(null);
      out.add(new Preupload.Decision(file.path(), isLfs, ignore.isIgnored(path.value()), oid));
    }
    return out;
  }

  /**
   * Answers a git-lfs batch request. Uploads: objects this repository already has, or that the
   * caller could read elsewhere, need no transfer (storage is shared); others get a signed PUT URL.
   * Downloads: objects this repository references get a signed GET URL.
   */
  public LfsBatch.Result batch(Caller caller, RepoType type, RepoId id, String operation, String hashAlgo,
      List<String> transfers, List<LfsBatch.ObjectRequest> objects) throws IOException {
    return batch(caller, type, id, operation, hashAlgo, transfers, objects, false);
  }

  /**
   * The same, saying whether the client is git-lfs. Where the blob store hands out upload URLs,
   * objects go straight into it, in one PUT or in the store's own parts, and are checked and
   * published by the hub at the {@code verify} action, the multipart completion, or (for a client
   * that calls neither) the commit. git-lfs sends the headers an action names, so the store checks
   * the body against the signed SHA-256 too (the HF clients send the body alone); but it gives up
   * on a reply after 30 s of silence ({@code lfs.activitytimeout}), and the hub's check reads the
   * whole object before it answers, so objects over {@value #GIT_LFS_DIRECT_LIMIT} bytes go to it
   * through the hub, which checks them as they stream in.
   */
  public LfsBatch.Result batch(Caller caller, RepoType type, RepoId id, String operation, String hashAlgo,
      List<String> transfers, List<LfsBatch.ObjectRequest> objects, boolean gitLfs) throws IOException {
    boolean multipart = transfers != null && transfers.contains(MULTIPART);
    if (hashAlgo != null && !hashAlgo.equals("sha256") && !hashAlgo.equals("sha_256")) {
      throw HubException.conflict("Unsupported hash algorithm " + hashAlgo + ": Arbor stores sha256 objects");
    }
    boolean upload = UPLOAD.equals(operation);
    if (!upload && !DOWNLOAD.equals(operation)) {
      throw HubException.badRequest("Invalid LFS operation: " + operation + " (expected upload or download)");
    }
    Repo repo = upload ? access.contributable(caller, type, id) : access.readable(caller, type, id);
    if (!upload) {
      gating.checkContent(caller, repo);
    }
    String repoId = repo.row().id();
    List<LfsBatch.ObjectResult> out = new ArrayList<>();
    for (LfsBatch.ObjectRequest object : objects) {
      if (object.oid() == null || !object.oid().matches("[0-9a-f]{64}")) {
        out.add(LfsBatch.ObjectResult.error(object, 422, "Invalid oid: expected 64 lower-case hex characters"));
        continue;
      }
      if (object.size() < 0) {
        out.add(LfsBatch.ObjectResult.error(object, 422, "Invalid size: " + object.size()));
        continue;
      }
      Sha256 oid = new Sha256(object.oid());
      Optional<Long> stored = blobs.stat(oid).map(b -> b.size());
      if (upload) {
        if (stored.isPresent() && stored.get() != object.size()) {
          out.add(LfsBatch.ObjectResult.error(object, 422,
              "Object " + oid + " is " + stored.get() + " bytes, not " + object.size()));
        } else if (stored.isPresent()
            && (lfs.isLinked(repoId, oid.hex()) || lfs.isLinkedVisibly(oid.hex(), caller.namespaceKey(), caller.userId()))) {
          lfs.link(repoId, oid.hex(), object.size(), clock.instant());
          out.add(LfsBatch.ObjectResult.done(object));
        } else if (multipart && object.size() > partSize) {
          PartedUpload cut = new PartedUpload(repoId, oid, object.size(), partSizeFor(object.size()));
          Optional<DirectParts> direct = blobs.directParts(cut, URL_TTL);
          out.add(direct.isPresent() ? directMultipartAction(cut, direct.get()) : multipartAction(cut));
        } else {
          Optional<DirectUpload> direct = gitLfs && object.size() > GIT_LFS_DIRECT_LIMIT ? Optional.empty()
              : blobs.directUpload(repoId, oid, object.size(), URL_TTL, gitLfs);
          out.add(direct.isPresent() ? directAction(repoId, oid, object.size(), direct.get())
              : action(UPLOAD, repoId, oid, object.size()));
        }
      } else {
        if (stored.isEmpty() || !lfs.isLinked(repoId, oid.hex())) {
          out.add(LfsBatch.ObjectResult.error(object, 404, "Object " + oid + " does not exist"));
        } else if (stored.get() != object.size()) {
          out.add(LfsBatch.ObjectResult.error(object, 422,
              "Object " + oid + " is " + stored.get() + " bytes, not " + object.size()));
        } else if (policy.blocks(repo.row()) && scanOf(oid).blocksUnderPolicy()) {
          out.add(LfsBatch.ObjectResult.error(object, 403, ScanPolicy.blocked(oid.hex(), scanOf(oid)).getMessage()));
        } else {
          // Straight from the object store where it hands out URLs; else from the hub.
          Optional<java.net.URI> direct = blobs.directUrl(oid, java.time.Duration.ofSeconds(URL_TTL_SECONDS));
          out.add(direct.isPresent()
              ? new LfsBatch.ObjectResult(oid.hex(), object.size(), DOWNLOAD, direct.get().toString(), URL_TTL_SECONDS,
                  0, List.of())
              : action(DOWNLOAD, repoId, oid, object.size()));
        }
      }
    }
    return new LfsBatch.Result(out);
  }

  /**
   * Receives the bytes of a signed upload URL: streamed to the blob store, verified against the
   * oid and size, then linked to the repository. A broken or lying upload stores nothing.
   */
  public void receive(String repoId, String oidText, long size, long expires, String signature, InputStream body)
      throws IOException {
    Sha256 oid = checkSignature(UPLOAD, repoId, oidText, size, expires, signature);
    if (rows.findById(repoId).isEmpty()) {
      throw HubException.repoNotFound(true);
    }
    try {
      blobs.put(oid, size, body);
    } catch (DigestMismatchException e) {
      throw HubException.badRequest("Upload rejected: " + e.getMessage());
    }
    lfs.link(repoId, oid.hex(), size, clock.instant());
  }

  /** Receives part {@code number} of a multipart upload; returns its ETag. */
  public String receivePart(String repoId, String oidText, long size, long chunk, int number, long expires,
      String signature, InputStream body) throws IOException {
    PartedUpload upload = partedUpload(repoId, oidText, size, chunk, expires, signature);
    if (!upload.hasPart(number)) {
      throw HubException.badRequest("Part " + number + " is not one of this object's " + upload.partCount() + " parts");
    }
    try {
      return blobs.putPart(upload, number, body).etag();
    } catch (DigestMismatchException e) {
      throw HubException.badRequest("Part rejected: " + e.getMessage());
    }
  }

  /** The parts of a multipart upload the hub holds so far, so a client can resume with the others. */
  public List<LfsBatch.Part> storedParts(String repoId, String oidText, long size, long chunk, long expires,
      String signature) throws IOException {
    PartedUpload upload = partedUpload(repoId, oidText, size, chunk, expires, signature);
    return blobs.parts(upload).stream().map(p -> new LfsBatch.Part(p.number(), p.etag())).toList();
  }

  /**
   * Completes a multipart upload: every part must be named once with the ETag the hub gave it;
   * the parts are then joined and verified against the oid and size, and the object linked.
   */
  public void completeParts(String repoId, String oidText, long size, long chunk, long expires, String signature,
      String claimedOid, List<LfsBatch.Part> claimed) throws IOException {
    PartedUpload upload = partedUpload(repoId, oidText, size, chunk, expires, signature);
    if (claimedOid != null && !claimedOid.equals(oidText)) {
      throw HubException.badRequest("This completion URL is for object " + oidText + ", not " + claimedOid);
    }
    java.util.Map<Integer, String> stored = new java.util.HashMap<>();
    for (StoredPart p : blobs.parts(upload)) {
      stored.put(p.number(), p.etag());
    }
    java.util.Set<Integer> named = new java.util.HashSet<>();
    for (LfsBatch.Part part : claimed) {
      if (!upload.hasPart(part.partNumber()) || !named.add(part.partNumber())) {
        throw HubException.badRequest("Part " + part.partNumber() + " is not one of this object's "
            + upload.partCount() + " parts, or is named twice");
      }
      String have = stored.get(part.partNumber());
      if (have == null) {
        throw HubException.badRequest("Part " + part.partNumber() + " was never uploaded; upload it, then complete");
      }
      if (!have.equals(unquote(part.etag()))) {
        throw HubException.badRequest("Part " + part.partNumber() + " has changed since its ETag was given; "
            + "upload it again, then complete");
      }
    }
    if (named.size() != upload.partCount()) {
      throw HubException.badRequest("The completion names " + named.size() + " of the object's "
          + upload.partCount() + " parts; name all of them");
    }
    try {
      blobs.completeParts(upload);
    } catch (MissingPartsException e) {
      throw HubException.badRequest("Upload incomplete: " + e.getMessage());
    } catch (DigestMismatchException e) {
      throw HubException.badRequest("Upload rejected: " + e.getMessage() + "; the parts were discarded, upload again");
    }
    lfs.link(repoId, upload.id().hex(), size, clock.instant());
  }

  /** Parts of uploads nobody has added to for a week are dropped. */
  public int removeAbandonedParts() throws IOException {
    return blobs.removeAbandonedParts(clock.instant().minus(java.time.Duration.ofDays(7)));
  }

  /** The part size offered for an object: the configured size, larger for objects that would need too many parts. */
  long partSizeFor(long objectSize) {
    long needed = (objectSize + MAX_PARTS_OFFERED - 1) / MAX_PARTS_OFFERED;
    long roundedToMiB = (needed + MIN_PART_SIZE - 1) / MIN_PART_SIZE * MIN_PART_SIZE;
    return Math.max(partSize, roundedToMiB);
  }

  /** Opens the object of a signed download URL. */
  public SeekableByteChannel openDownload(String repoId, String oidText, long size, long expires, String signature)
      throws IOException {
    Sha256 oid = checkSignature(DOWNLOAD, repoId, oidText, size, expires, signature);
    if (blobs.stat(oid).isEmpty()) {
      throw HubException.entryNotFound("Object " + oid + " does not exist");
    }
    return blobs.open(oid);
  }

  private Sha256 checkSignature(String operation, String repoId, String oidText, long size, long expires,
      String signature) {
    if (oidText == null || !oidText.matches("[0-9a-f]{64}")
        || !signer.verify(operation, repoId, oidText, size, expires, signature)) {
      throw HubException.forbidden("This " + operation + " URL is invalid or has expired; ask the batch API for a new one");
    }
    return new Sha256(oidText);
  }

  private LfsBatch.ObjectResult action(String operation, String repoId, Sha256 oid, long size) {
    long expires = signer.expiry(URL_TTL_SECONDS);
    String href = "/api/lfs/" + operation + "/" + repoId + "/" + oid.hex()
        + "?size=" + size + "&exp=" + expires + "&sig=" + signer.sign(operation, repoId, oid.hex(), size, expires);
    return new LfsBatch.ObjectResult(oid.hex(), size, operation, href, URL_TTL_SECONDS, 0, List.of());
  }

  /** A PUT straight into the object store, then the hub's signed {@code verify} URL to publish it. */
  private LfsBatch.ObjectResult directAction(String repoId, Sha256 oid, long size, DirectUpload direct) {
    long expires = signer.expiry(URL_TTL_SECONDS);
    String verify = "/api/lfs/" + VERIFY + "/" + repoId + "/" + oid.hex()
        + "?size=" + size + "&exp=" + expires + "&sig=" + signer.sign(VERIFY, repoId, oid.hex(), size, expires);
    return new LfsBatch.ObjectResult(oid.hex(), size, UPLOAD, direct.url().toString(), URL_TTL_SECONDS, 0, null, 0,
        List.of(), direct.headers(), verify);
  }

  /**
   * The {@code verify} action of a direct upload: the store's copy is checked against the oid and
   * size and published, then linked to the repository. Nothing uploaded is a 404; bytes that are not
   * the object are discarded with a 400, and the client may upload again.
   */
  public void verifyDirect(String repoId, String oidText, long size, long expires, String signature)
      throws IOException {
    Sha256 oid = checkSignature(VERIFY, repoId, oidText, size, expires, signature);
    if (rows.findById(repoId).isEmpty()) {
      throw HubException.repoNotFound(true);
    }
    try {
      // also when stored already, so the incoming copy goes
      publisher.publish(repoId, oid, size, () -> blobs.completeDirectUpload(repoId, oid, size));
    } catch (java.nio.file.NoSuchFileException e) {
      if (!publisher.heldBy(repoId, oid, size)) {   // else a repeated verify, or another upload of it, came first
        throw new HubException(ErrorCode.ENTRY_NOT_FOUND, "Object " + oid + " was not uploaded");
      }
    } catch (DigestMismatchException e) {
      throw HubException.badRequest("Upload rejected: " + e.getMessage());
    }
  }

  /** One grant covers the parts, their listing and the completion of one object cut one way. */
  private LfsBatch.ObjectResult multipartAction(PartedUpload cut) {
    long expires = signer.expiry(URL_TTL_SECONDS);
    String base = "/api/lfs/upload/" + cut.scope() + "/" + cut.id().hex();
    String query = "?size=" + cut.size() + "&chunk=" + cut.partSize() + "&exp=" + expires
        + "&sig=" + signer.sign(multipartGrant(cut.partSize()), cut.scope(), cut.id().hex(), cut.size(), expires);
    List<String> parts = new ArrayList<>(cut.partCount());
    for (int n = 1; n <= cut.partCount(); n++) {
      parts.add(base + "/part/" + n + query);
    }
    return new LfsBatch.ObjectResult(cut.id().hex(), cut.size(), UPLOAD, base + "/complete" + query, URL_TTL_SECONDS,
        cut.partSize(), parts);
  }

  /** Parts straight to the object store's URLs; the completion, granted for that store upload, comes to the hub. */
  private LfsBatch.ObjectResult directMultipartAction(PartedUpload cut, DirectParts direct) {
    long expires = signer.expiry(URL_TTL_SECONDS);
    String grant = directGrant(cut.partSize(), direct.uploadId());
    String completion = "/api/lfs/upload/" + cut.scope() + "/" + cut.id().hex() + "/complete?size=" + cut.size()
        + "&chunk=" + cut.partSize() + "&upload=" + java.net.URLEncoder.encode(direct.uploadId(), StandardCharsets.UTF_8)
        + "&exp=" + expires + "&sig=" + signer.sign(grant, cut.scope(), cut.id().hex(), cut.size(), expires);
    return new LfsBatch.ObjectResult(cut.id().hex(), cut.size(), UPLOAD, completion, URL_TTL_SECONDS, cut.partSize(),
        direct.partUrls().stream().map(java.net.URI::toString).toList());
  }

  /**
   * Completes parts a client PUT straight into the object store ({@code uploadId}): each named
   * with the ETag the store answered; the store joins them, the hub verifies the whole against the
   * oid and size, and the object is linked. A repeated completion of a published object succeeds.
   */
  public void completeDirectParts(String repoId, String oidText, long size, long chunk, String uploadId, long expires,
      String signature, String claimedOid, List<LfsBatch.Part> claimed) throws IOException {
    PartedUpload cut = directCut(repoId, oidText, size, chunk, uploadId, expires, signature);
    if (claimedOid != null && !claimedOid.equals(oidText)) {
      throw HubException.badRequest("This completion URL is for object " + oidText + ", not " + claimedOid);
    }
    List<StoredPart> named = new ArrayList<>();
    for (LfsBatch.Part part : claimed) {
      if (!cut.hasPart(part.partNumber())) {
        throw HubException.badRequest("Part " + part.partNumber() + " is not one of this object's "
            + cut.partCount() + " parts");
      }
      named.add(new StoredPart(part.partNumber(), cut.length(part.partNumber()), part.etag()));
    }
    try {
      publisher.publish(repoId, cut.id(), size, () -> blobs.completeDirectParts(cut, uploadId, named));
    } catch (java.nio.file.NoSuchFileException | MissingPartsException e) {
      if (!publisher.heldBy(repoId, cut.id(), size)) {   // else completed before
        throw HubException.badRequest("Upload incomplete: " + e.getMessage()
            + "; upload every part, then name each with the ETag the store answered");
      }
    } catch (DigestMismatchException e) {
      throw HubException.badRequest("Upload rejected: " + e.getMessage() + "; upload again");
    }
  }

  /** The parts of a direct multipart upload the object store holds, so an interrupted client resumes. */
  public List<LfsBatch.Part> storedDirectParts(String repoId, String oidText, long size, long chunk, String uploadId,
      long expires, String signature) throws IOException {
    PartedUpload cut = directCut(repoId, oidText, size, chunk, uploadId, expires, signature);
    return blobs.directPartsHeld(cut, uploadId).stream().map(p -> new LfsBatch.Part(p.number(), p.etag())).toList();
  }

  private PartedUpload directCut(String repoId, String oidText, long size, long chunk, String uploadId, long expires,
      String signature) {
    if (uploadId == null || oidText == null || !oidText.matches("[0-9a-f]{64}")
        || !signer.verify(directGrant(chunk, uploadId), repoId, oidText, size, expires, signature)) {
      throw HubException.forbidden("This upload URL is invalid or has expired; ask the batch API for a new one");
    }
    if (rows.findById(repoId).isEmpty()) {
      throw HubException.repoNotFound(true);
    }
    return new PartedUpload(repoId, new Sha256(oidText), size, chunk);
  }

  private PartedUpload partedUpload(String repoId, String oidText, long size, long chunk, long expires,
      String signature) {
    if (oidText == null || !oidText.matches("[0-9a-f]{64}")
        || !signer.verify(multipartGrant(chunk), repoId, oidText, size, expires, signature)) {
      throw HubException.forbidden("This upload URL is invalid or has expired; ask the batch API for a new one");
    }
    if (rows.findById(repoId).isEmpty()) {
      throw HubException.repoNotFound(true);
    }
    return new PartedUpload(repoId, new Sha256(oidText), size, chunk);
  }

  private static String multipartGrant(long chunk) {
    return MULTIPART + "/" + chunk;
  }

  private static String directGrant(long chunk, String uploadId) {
    return MULTIPART + "/" + chunk + "/direct/" + uploadId;
  }

  /** An ETag as clients echo it: possibly quoted, possibly weak. */
  private static String unquote(String etag) {
    String e = etag == null ? "" : etag.strip();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
  }

  private Scans.Result scanOf(Sha256 oid) throws IOException {
    try (java.nio.channels.SeekableByteChannel channel = blobs.open(oid)) {
      return scans.scan(oid.hex(), new org.arbor.formats.io.ChannelByteSource(channel), oid.hex());
    }
  }

  private static boolean hasNul(byte[] sample) {
    if (sample == null) {
      return false;
    }
    for (byte b : sample) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }

  private static String readText(GitRepo git, GitHash commit, String path) throws IOException {
    Optional<GitEntry> entry = git.entry(commit, path).filter(e -> !e.isDirectory() && e.lfs().isEmpty());
    if (entry.isEmpty() || entry.get().size() > Commits.MAX_REGULAR_FILE_BYTES) {
      return "";
    }
    return new String(git.readBlob(entry.get().oid(), Commits.MAX_REGULAR_FILE_BYTES), StandardCharsets.UTF_8);
  }
}

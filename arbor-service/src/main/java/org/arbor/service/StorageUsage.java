package org.arbor.service;

import java.io.IOException;
import java.util.List;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.core.Sha256;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.UsageRows;

/**
 * Dedup accounting: for a repository, a namespace or the whole instance, the logical bytes (every
 * LFS object each repository references, at its full size) against the stored bytes (objects kept
 * whole, plus the distinct Xet chunks the others are made of, each counted once).
 */
public final class StorageUsage {
  /** Usage of a set of repositories; {@code xetObjects} of the {@code objects} are held as Xet chunks. */
  public record Usage(long objects, long xetObjects, long logicalBytes, long storedBytes, long wholeBytes,
      long chunkBytes) {
    /** Stored over logical: 1 without dedup, lower the more is shared; 0 for nothing. */
    public double ratio() {
      return logicalBytes == 0 ? 0 : (double) storedBytes / logicalBytes;
    }
  }

  /** The instance: its content, and every xorb kept, including chunks no file names (awaiting collection). */
  public record InstanceUsage(Usage content, long xorbs, long xorbBytes, long unreferencedChunkBytes) {}

  private final Access access;
  private final UsageRows rows;
  private final BlobStore whole;

  /** {@code whole}: the blob store of whole objects and xorbs (not the Xet-backed view). */
  public StorageUsage(Access access, UsageRows rows, BlobStore whole) {
    this.access = access;
    this.rows = rows;
    this.whole = whole;
  }

  /** A repository's usage, for whoever may read it (the Hub shows {@code usedStorage} publicly). */
  public Usage repo(Caller caller, RepoType type, RepoId id) throws IOException {
    return usage(UsageRows.Scope.repo(access.readable(caller, type, id).row().id()));
  }

  /** A user's or organisation's usage, for the user, the organisation's members and site admins. */
  public Usage namespace(Caller caller, String namespace) throws IOException {
    if (!caller.admin() && (caller.isAnonymous() || !access.isMemberOrOwner(caller, namespace))) {
      throw HubException.entryNotFound("No user or organisation " + namespace + " that you belong to");
    }
    return usage(UsageRows.Scope.namespace(namespace.toLowerCase(java.util.Locale.ROOT)));
  }

  /** The whole instance, for site admins. */
  public InstanceUsage instance(Caller caller) throws IOException {
    if (!caller.admin()) {
      throw caller.isAnonymous() ? HubException.unauthorized("Sign in as a site admin to see the instance's storage")
          : HubException.forbidden("Only site admins may see the instance's storage");
    }
    return instance();
  }

  /** The whole instance, for the admin command line. */
  public InstanceUsage instance() throws IOException {
    long[] xorbs = rows.xorbs();
    return new InstanceUsage(usage(UsageRows.Scope.all()), xorbs[0], xorbs[1], rows.unreferencedChunkBytes());
  }

  /** Usage of a namespace or repository, by name. */
  public record Named(String name, Usage usage) {}

  /** Everything the admin command line shows: the instance, each namespace, and each repository if asked. */
  public record Report(InstanceUsage instance, List<Named> namespaces, List<Named> repos) {}

  public Report report(boolean perRepo) throws IOException {
    List<Named> namespaces = new java.util.ArrayList<>();
    for (String ns : rows.namespaces()) {
      namespaces.add(new Named(ns, usage(UsageRows.Scope.namespace(ns))));
    }
    List<Named> repos = new java.util.ArrayList<>();
    if (perRepo) {
      for (UsageRows.RepoName repo : rows.repos()) {
        repos.add(new Named(repo.name(), usage(UsageRows.Scope.repo(repo.id()))));
      }
    }
    return new Report(instance(), namespaces, repos);
  }

  private Usage usage(UsageRows.Scope scope) throws IOException {
    List<UsageRows.ObjectRow> objects = rows.objects(scope);
    long logical = 0;
    long wholeBytes = 0;
    long xet = 0;
    for (UsageRows.ObjectRow o : objects) {
      logical += o.size() * o.repos();
      if (o.xet()) {
        xet++;
      }
      // An object with Xet chunks may also be kept whole (uploaded through plain LFS as well).
      if (!o.xet() || whole.stat(new Sha256(o.oid())).isPresent()) {
        wholeBytes += o.size();
      }
    }
    long chunks = rows.chunkBytes(scope);
    return new Usage(objects.size(), xet, logical, wholeBytes + chunks, wholeBytes, chunks);
  }
}

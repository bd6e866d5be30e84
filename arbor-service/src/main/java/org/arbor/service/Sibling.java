package org.arbor.service;

import java.util.Optional;
import org.arbor.core.GitHash;

/** A file of a repository as repo info lists it ({@code siblings}). */
public record Sibling(String rfilename, long size, GitHash blobId, Optional<LfsInfo> lfs) {}

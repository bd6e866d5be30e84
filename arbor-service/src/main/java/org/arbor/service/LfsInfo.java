package org.arbor.service;

import org.arbor.core.Sha256;

/** The large file behind an LFS pointer: its SHA-256, its size, and the size of the pointer itself. */
public record LfsInfo(Sha256 oid, long size, long pointerSize) {}

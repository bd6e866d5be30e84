package org.arbor.search;

/** One value of a facet and how many visible matches carry it. */
public record FacetCount(String value, long count) {}

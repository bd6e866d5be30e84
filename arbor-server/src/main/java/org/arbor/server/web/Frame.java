package org.arbor.server.web;

/**
 * What every page's frame shows: its title, who is signed in (null when nobody), the sign-out
 * form's CSRF token, the text in the header's search box, and which section is current.
 */
public record Frame(String title, String user, String csrf, String search, String section) {}

/**
 * Until accounts (better-auth sessions) land, a browser signs in with an API token, kept in an
 * httpOnly cookie that server code turns into the Authorization header; scripts never see it.
 */
export const TOKEN_COOKIE = "slipway_token";

/** What the login form submits. tenant is a slug, or empty for the user's only tenant. */
export type Credentials = {
  email: string;
  password: string;
  tenant: string;
};

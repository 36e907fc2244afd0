// The attestation script ships as text inside the main bundle (Vite's ?raw import).
declare module '*.py?raw' {
  const text: string;
  export default text;
}

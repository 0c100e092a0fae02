// The index page only shows who is signed in and lets people sign in, up or out.
import { startSession } from "./oz.js";

startSession(() => {});

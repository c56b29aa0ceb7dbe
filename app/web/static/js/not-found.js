// The page for an unknown address (a 404 to a browser): texts in the reader's language, links home.
import { initPage } from './ui.js';

initPage();

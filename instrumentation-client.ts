// Runs before React hydrates any page: a lesson's terminal starts while the rest of the page's code runs.
import './components/terminal/early-start';

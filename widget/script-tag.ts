// Entry of dist/kyc-onboarding.js, the file a page loads with a plain <script src>: it defines the
// element and exports nothing, so the classic script adds no global besides <kyc-onboarding> itself.
import './index.js';

// Code that runs inside Skiff's webviews; the views themselves arrive with the extension issues.
export {};

"""Demo content for the CMS: a realistic site written for this project, built locally."""

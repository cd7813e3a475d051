"""The kiosk's screens: sign-in, patient, the intake steps, help (one module a screen)."""

# Voilà settings for the course dashboards (read by `make dashboards`, which starts Voilà with
# --Voila.config_file_paths=config; tests and benchmarks start it the same way, through
# okrlib.serve.voila_command). Not named by a folder on sys.path: a voila.py there would hide
# the voila package itself. See README "Dashboards".
from okrlib.serve import set_xsrf_cookie

c = get_config()  # noqa: F821 - provided by traitlets when Voilà loads this file

# Reachable from this machine only; serve this folder's dashboards and nothing else.
c.Voila.ip = "127.0.0.1"
c.VoilaConfiguration.file_allowlist = []  # no file of the folder is served as a file (notebooks render)

# Readers see results, never code or Python errors.
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False

# Shut each page's kernel when the page goes (okrlib.serve explains the fix), and cull what a
# crashed browser leaves behind: a kernel idle for 10 minutes with no page attached.
c.VoilaConfiguration.prelaunch_hook = set_xsrf_cookie
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False

# The page template: Voilà's "lab" page with no request to a CDN (config/jupyter/voila/templates/
# okrlib; found through JUPYTER_PATH, which okrlib.serve.voila_env sets). Only the extensions the
# dashboards use are loaded: the Jupytext extension is a JupyterLab editor plugin that Voilà's page
# cannot host (it logs a module-federation error).
c.VoilaConfiguration.template = "okrlib"
c.VoilaConfiguration.extension_denylist = ["jupyterlab-jupytext"]
